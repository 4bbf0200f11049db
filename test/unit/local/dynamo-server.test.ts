import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startDynamo } from '../../../local/dynamo-server.ts';
import { handOver } from '../../../local/sdk-handler.ts';
import { createFollowupTable } from '../../../local/table.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function clients(endpoint: string, handler?: Parameters<typeof handOver>[1]) {
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials });
  handOver(client, handler);
  return { client, documents: DynamoDBDocumentClient.from(client) };
}

describe('dynalite on its own thread', () => {
  it('serves the runtime’s clients over its port and other processes over loopback: one table', async () => {
    const dynamo = await startDynamo(undefined);
    try {
      const { client, documents: own } = clients(dynamo.url, dynamo.requestHandler);
      await createFollowupTable(client, 'followup');
      await own.send(
        new PutCommand({ TableName: 'followup', Item: { pk: 'LEAD#1', sk: 'LEAD', name: 'Jordan' } }),
      );

      const other = clients(dynamo.url).documents;
      const read = await other.send(
        new GetCommand({ TableName: 'followup', Key: { pk: 'LEAD#1', sk: 'LEAD' } }),
      );
      expect(read.Item).toEqual({ pk: 'LEAD#1', sk: 'LEAD', name: 'Jordan' });
      // A refused condition comes back as the SDK's error, named as DynamoDB names it.
      await expect(
        own.send(
          new PutCommand({
            TableName: 'followup',
            Item: { pk: 'LEAD#1', sk: 'LEAD' },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    } finally {
      await dynamo.close();
    }
  });

  it('keeps the table on disk across a close and a new start on the same folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'followup-dynamo-'));
    dirs.push(dir);
    const first = await startDynamo(join(dir, 'dynamodb'));
    const { client, documents: before } = clients(first.url, first.requestHandler);
    await createFollowupTable(client, 'followup');
    await before.send(new PutCommand({ TableName: 'followup', Item: { pk: 'LEAD#2', sk: 'LEAD' } }));
    await first.close();

    const second = await startDynamo(join(dir, 'dynamodb'));
    try {
      const after = clients(second.url, second.requestHandler).documents;
      const read = await after.send(
        new GetCommand({ TableName: 'followup', Key: { pk: 'LEAD#2', sk: 'LEAD' } }),
      );
      expect(read.Item).toEqual({ pk: 'LEAD#2', sk: 'LEAD' });
    } finally {
      await second.close();
    }
  });

  it('answers requests sent in the same turn each with its own answer', async () => {
    const dynamo = await startDynamo(undefined);
    try {
      const { client, documents } = clients(dynamo.url, dynamo.requestHandler);
      await createFollowupTable(client, 'followup');
      const ids = Array.from({ length: 30 }, (_, i) => `LEAD#${i}`);
      await Promise.all(
        ids.map((pk) =>
          documents.send(new PutCommand({ TableName: 'followup', Item: { pk, sk: 'LEAD', n: pk } })),
        ),
      );

      const reads = await Promise.all(
        ids.map((pk) => documents.send(new GetCommand({ TableName: 'followup', Key: { pk, sk: 'LEAD' } }))),
      );

      expect(reads.map((r) => r.Item?.n)).toEqual(ids);
    } finally {
      await dynamo.close();
    }
  });

  it('a table deleted and made again is seen as it is now, over its port and over loopback', async () => {
    const dynamo = await startDynamo(undefined);
    try {
      const own = clients(dynamo.url, dynamo.requestHandler);
      const other = clients(dynamo.url);
      await createFollowupTable(own.client, 'followup');
      await own.documents.send(new PutCommand({ TableName: 'followup', Item: { pk: 'LEAD#3', sk: 'LEAD' } }));

      await other.client.send(new DeleteTableCommand({ TableName: 'followup' }));
      await expect
        .poll(() =>
          own.client.send(new DescribeTableCommand({ TableName: 'followup' })).then(
            () => 'there',
            (error: Error) => error.name,
          ),
        )
        .toBe('ResourceNotFoundException');
      await expect(
        own.documents.send(new GetCommand({ TableName: 'followup', Key: { pk: 'LEAD#3', sk: 'LEAD' } })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

      await createFollowupTable(own.client, 'followup');
      const read = await own.documents.send(
        new GetCommand({ TableName: 'followup', Key: { pk: 'LEAD#3', sk: 'LEAD' } }),
      );
      expect(read.Item).toBeUndefined();
    } finally {
      await dynamo.close();
    }
  });
});
