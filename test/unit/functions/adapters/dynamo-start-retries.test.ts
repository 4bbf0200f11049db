import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoLeadStore } from '../../../../functions/adapters/dynamo/lead-store.ts';
import type { StartRetry } from '../../../../functions/domain/ports.ts';

/* The due-retry markers of enrollments whose start failed: one partition, read by one Query, never a scan. */

const dynamo = mockClient(DynamoDBDocumentClient);
const TABLE = 'followup-test';

const RETRY: StartRetry = {
  leadId: 'lead-1',
  enrollmentId: 'web-inquiry-lead-1-20260707T150000Z',
  cadenceId: 'web-inquiry',
  // Another spelling of the same instant: the key must still sort by time.
  dueAt: '2026-07-07T15:01:00Z',
};

function store() {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
  );
  return new DynamoLeadStore({ client, tableName: TABLE });
}

beforeEach(() => {
  dynamo.reset();
});

describe('DynamoLeadStore: start retries', () => {
  it('keys a marker by when it is due, spelled one way, in the RETRY partition', async () => {
    // Act
    await store().scheduleStartRetry(RETRY);

    // Assess
    const [put] = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(put?.Item).toMatchObject({
      pk: 'RETRY',
      sk: '2026-07-07T15:01:00.000Z#lead-1#web-inquiry-lead-1-20260707T150000Z',
      dueAt: '2026-07-07T15:01:00.000Z',
      cadenceId: 'web-inquiry',
    });
  });

  it('reads every marker due by now with one consistent Query, earliest first', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({
      Items: [{ pk: 'RETRY', sk: 'x', ...RETRY, dueAt: '2026-07-07T15:01:00.000Z', type: 'retry' }],
    });

    // Act
    const due = await store().dueStartRetries('2026-07-07T15:05:00.000Z', 200);

    // Assess
    expect(due).toEqual([{ ...RETRY, dueAt: '2026-07-07T15:01:00.000Z' }]);
    const [query] = dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(query).toMatchObject({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND sk <= :upTo',
      ExpressionAttributeValues: { ':pk': 'RETRY', ':upTo': '2026-07-07T15:05:00.000Z#~' },
      ConsistentRead: true,
      Limit: 200,
    });
    expect(query?.ScanIndexForward).not.toBe(false);
  });

  it('deletes the marker it was given, by its key', async () => {
    // Act
    await store().clearStartRetry(RETRY);

    // Assess
    const [deleted] = dynamo.commandCalls(DeleteCommand).map((c) => c.args[0].input);
    expect(deleted?.Key).toEqual({
      pk: 'RETRY',
      sk: '2026-07-07T15:01:00.000Z#lead-1#web-inquiry-lead-1-20260707T150000Z',
    });
  });

  it('records a failure only on a pending enrollment: one that started meanwhile is left as it is', async () => {
    // Prepare
    dynamo
      .on(UpdateCommand)
      .rejectsOnce(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      )
      .resolves({});

    // Act
    const onStarted = await store().markStartFailed('lead-1', RETRY.enrollmentId, {
      at: '2026-07-07T15:05:00.000Z',
      attempts: 8,
      reason: 'TransientError: Step Functions: ThrottlingException',
    });
    const onPending = await store().cancelEnrollment('lead-1', RETRY.enrollmentId, 'lead is replied', 'x');

    // Assess
    expect(onStarted).toBe(false);
    expect(onPending).toBe(true);
    const [stuck, cancelled] = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(stuck?.Key).toEqual({ pk: 'LEAD#lead-1', sk: `ENR#${RETRY.enrollmentId}` });
    expect(stuck?.ConditionExpression).toBe('#status = :v4');
    expect(stuck?.ExpressionAttributeValues).toMatchObject({ ':v2': 'stuck', ':v4': 'pending', ':v0': 8 });
    expect(stuck?.UpdateExpression).toContain('REMOVE #retryAt');
    expect(cancelled?.ExpressionAttributeValues).toMatchObject({
      ':v0': 'cancelled',
      ':v1': 'lead is replied',
    });
  });

  it('hands a throttled Query on as TransientError, for the next sweep to try again', async () => {
    // Prepare
    dynamo
      .on(QueryCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} }));

    // Act
    const reading = store().dueStartRetries('2026-07-07T15:05:00.000Z', 200);

    // Assess
    await expect(reading).rejects.toMatchObject({ name: 'TransientError' });
  });
});
