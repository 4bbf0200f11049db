import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoPromotionStore } from '../../../../functions/adapters/dynamo/promotion-store.ts';
import { TransientError } from '../../../../functions/core/errors.ts';
import type { Promotion } from '../../../../functions/domain/promotion-ports.ts';
import { dynaliteTables } from '../../../support/dynalite-tables.ts';

/* autoPromote's records in the table: written once (a conditional put), read by key, listed by cadence. */

const dynamo = dynaliteTables();
const PROMOTION: Promotion = {
  cadenceId: 'proposal-ab',
  stepId: 'offer',
  variants: 'a+b',
  variant: 'b',
  decideOn: 'meetings',
  probabilityBest: 0.971,
  sent: { a: 310, b: 305 },
  at: '2026-05-04T10:00:00.000Z',
};
const awsError = (name: string, message: string) => Object.assign(new Error(message), { name });
const mocked = () => {
  const mock = mockClient(DynamoDBDocumentClient);
  const store = new DynamoPromotionStore({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
    tableName: 't',
  });
  return { mock, store };
};

afterEach(() => {
  mockClient(DynamoDBDocumentClient).restore();
});

describe('DynamoPromotionStore on dynalite', () => {
  it('records a step’s promotion once: a second record, even of another variant, is refused and changes nothing', async () => {
    // Prepare
    const store = new DynamoPromotionStore(await dynamo.table('followup-promotions'));
    // Act
    const first = await store.record(PROMOTION);
    const second = await store.record({ ...PROMOTION, variant: 'a', at: '2026-05-05T10:00:00.000Z' });
    await store.record({ ...PROMOTION, stepId: 'close', variant: 'a' });
    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(await store.promotion('proposal-ab', 'offer', 'a+b')).toEqual(PROMOTION);
    expect(await store.promotion('proposal-ab', 'intro', 'a+b')).toBeUndefined();
    expect(await store.promotion('other', 'offer', 'a+b')).toBeUndefined();
    expect((await store.promotions('proposal-ab')).map((p) => [p.stepId, p.variant])).toEqual([
      ['close', 'a'],
      ['offer', 'b'],
    ]);
  });
});

describe('DynamoPromotionStore requests', () => {
  it('reads one item by its key and writes with attribute_not_exists', async () => {
    // Prepare
    const { mock, store } = mocked();
    mock.on(GetCommand).resolves({ Item: { ...PROMOTION, pk: 'x', sk: 'y', type: 'promotion' } });
    mock.on(PutCommand).resolves({});
    // Act
    const read = await store.promotion('proposal-ab', 'offer', 'a+b');
    await store.record(PROMOTION);
    // Assess
    expect(read).toEqual(PROMOTION);
    expect(mock.commandCalls(GetCommand)[0]?.args[0].input.Key).toEqual({
      pk: 'PROMOTION#proposal-ab',
      sk: 'STEP#offer#a+b',
    });
    expect(mock.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: 'PROMOTION#proposal-ab', sk: 'STEP#offer#a+b', variant: 'b' },
    });
  });

  it('answers false when the condition fails, and a throttled read or write as TransientError', async () => {
    // Prepare
    const { mock, store } = mocked();
    mock
      .on(PutCommand)
      .rejectsOnce(awsError('ConditionalCheckFailedException', 'The conditional request failed'));
    // Act / Assess
    await expect(store.record(PROMOTION)).resolves.toBe(false);
    mock.on(GetCommand).rejects(awsError('ProvisionedThroughputExceededException', 'Rate exceeded'));
    mock.on(PutCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await expect(store.promotion('proposal-ab', 'offer', 'a+b')).rejects.toBeInstanceOf(TransientError);
    await expect(store.record(PROMOTION)).rejects.toBeInstanceOf(TransientError);
  });

  it('ignores an item that is not a whole promotion, rather than sending a variant it cannot name', async () => {
    // Prepare
    const { mock, store } = mocked();
    mock.on(GetCommand).resolves({ Item: { pk: 'x', sk: 'y', cadenceId: 'proposal-ab', stepId: 'offer' } });
    mock.on(QueryCommand).resolves({ Items: [{ ...PROMOTION, decideOn: 'opens' }, PROMOTION] });
    // Act / Assess
    await expect(store.promotion('proposal-ab', 'offer', 'a+b')).resolves.toBeUndefined();
    await expect(store.promotions('proposal-ab')).resolves.toEqual([PROMOTION]);
  });
});
