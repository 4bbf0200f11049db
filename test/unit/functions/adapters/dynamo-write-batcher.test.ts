import {
  DynamoDBClient,
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoLeadStore } from '../../../../functions/adapters/dynamo/lead-store.ts';
import { type BatchWrite, WriteBatcher } from '../../../../functions/adapters/dynamo/write-batcher.ts';
import { TransientError } from '../../../../functions/core/errors.ts';
import type { LeadEvent, StartRetry } from '../../../../functions/domain/ports.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const TABLE = 'followup-test';

const client = () =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
  );
const batcher = (attempts = 8) => new WriteBatcher(client(), TABLE, { attempts, sleep: async () => {} });

const put = (pk: string, sk = 'X'): BatchWrite => ({ put: { pk, sk, type: 'event' } });
const del = (pk: string, sk = 'X'): BatchWrite => ({ delete: { pk, sk } });
type Request = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

/** Every request sent, as the list of item keys it named ("put A/X", "delete B/X"). */
function sent(): string[][] {
  return dynamo
    .commandCalls(BatchWriteCommand)
    .map((call) =>
      (call.args[0].input.RequestItems?.[TABLE] ?? []).map((r: Request) =>
        r.PutRequest
          ? `put ${r.PutRequest.Item?.pk}/${r.PutRequest.Item?.sk}`
          : `delete ${r.DeleteRequest?.Key?.pk}/${r.DeleteRequest?.Key?.sk}`,
      ),
    );
}

beforeEach(() => {
  dynamo.reset();
  dynamo.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
});

describe('writes that need no condition, sent together', () => {
  it('writes of callers in the same turn share one request, and each caller learns its own are stored', async () => {
    // Prepare
    const writer = batcher();

    // Act
    await Promise.all([writer.write([put('A'), del('B')]), writer.write([put('C')])]);

    // Assess
    expect(sent()).toEqual([['put A/X', 'delete B/X', 'put C/X']]);
  });

  it('never names more than 25 items in one request', async () => {
    // Prepare
    const writer = batcher();

    // Act
    await Promise.all(Array.from({ length: 30 }, (_, i) => writer.write([put(`L${i}`)])));

    // Assess
    expect(sent().map((request) => request.length)).toEqual([25, 5]);
  });

  it('sends an item written twice in one turn in two requests, in the order it was written', async () => {
    // Prepare
    const writer = batcher();

    // Act
    await Promise.all([writer.write([put('RETRY', 'due#1')]), writer.write([del('RETRY', 'due#1')])]);

    // Assess
    expect(sent()).toEqual([['put RETRY/due#1'], ['delete RETRY/due#1']]);
  });
});

describe('a batch DynamoDB only partly processed', () => {
  it('sends the unprocessed items again until every one is written: nothing is lost', async () => {
    // Prepare: the first answer leaves B unprocessed, the second leaves nothing
    dynamo
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: [{ DeleteRequest: { Key: { pk: 'B', sk: 'X' } } }] } })
      .resolves({ UnprocessedItems: {} });
    const writer = batcher();

    // Act
    await writer.write([put('A'), del('B'), put('C')]);

    // Assess
    expect(sent()).toEqual([['put A/X', 'delete B/X', 'put C/X'], ['delete B/X']]);
  });

  it('tells the caller to retry (TransientError) when items stay unprocessed, having tried as often as allowed', async () => {
    // Prepare
    dynamo.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => ({
      UnprocessedItems: input.RequestItems,
    }));
    const writer = batcher(3);

    // Act
    const written = writer.write([put('A')]);

    // Assess
    await expect(written).rejects.toBeInstanceOf(TransientError);
    expect(sent()).toHaveLength(3);
  });

  it('maps throttling of the whole batch to a TransientError for every caller in it', async () => {
    // Prepare
    dynamo
      .on(BatchWriteCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} }));
    const writer = batcher();

    // Act
    const results = await Promise.allSettled([writer.write([put('A')]), writer.write([put('B')])]);

    // Assess
    expect(results.map((r) => r.status === 'rejected' && r.reason instanceof TransientError)).toEqual([
      true,
      true,
    ]);
  });

  it("fails only the caller whose item DynamoDB refuses: the others' writes are sent again on their own", async () => {
    // Prepare: any request that names B is refused as invalid
    dynamo.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => {
      const named = JSON.stringify(input.RequestItems);
      if (named.includes('"B"')) {
        throw new DynamoDBServiceException({
          name: 'ValidationException',
          $fault: 'client',
          message: 'Item size has exceeded the maximum allowed size',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return { UnprocessedItems: {} };
    });
    const writer = batcher();

    // Act
    const results = await Promise.allSettled([writer.write([put('A')]), writer.write([put('B')])]);

    // Assess
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(sent()).toContainEqual(['put A/X']);
  });
});

describe('DynamoLeadStore.writeTogether', () => {
  it('writes the same items recordEvent, scheduleStartRetry and clearStartRetry write, in one request', async () => {
    // Prepare
    const store = new DynamoLeadStore({ client: client(), tableName: TABLE });
    const event: LeadEvent = { at: '2026-03-04T15:30:00.000Z', kind: 'enrolled', source: 'intake' };
    const retry: StartRetry = {
      leadId: 'ld_1',
      enrollmentId: 'web-inquiry-ld_1-00',
      cadenceId: 'web-inquiry',
      dueAt: '2026-03-04T15:31:00.000Z',
    };

    // Act
    await store.writeTogether([
      { kind: 'event', leadId: 'ld_1', event },
      { kind: 'start-retry', retry },
      { kind: 'start-retry-cleared', retry: { ...retry, dueAt: '2026-03-04T15:29:00.000Z' } },
    ]);

    // Assess
    const [call] = dynamo.commandCalls(BatchWriteCommand);
    const requests = call?.args[0].input.RequestItems?.[TABLE] ?? [];
    expect(requests).toHaveLength(3);
    expect(requests[0]?.PutRequest?.Item).toMatchObject({ type: 'event', leadId: 'ld_1', kind: 'enrolled' });
    expect(requests[1]?.PutRequest?.Item).toMatchObject({
      type: 'retry',
      cadenceId: 'web-inquiry',
      dueAt: retry.dueAt,
    });
    expect(requests[2]?.DeleteRequest?.Key).toBeDefined();
  });
});
