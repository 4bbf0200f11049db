import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoSendingLedger } from '../../../../functions/adapters/dynamo/sending-governor.ts';
import { SendingConfigSchema } from '../../../../functions/core/config.ts';
import { SendingCapacity } from '../../../../functions/core/errors.ts';
import * as z from '../../../../functions/core/zod.ts';
import { sendingPolicy } from '../../../../functions/domain/sending-governor.ts';
import { SendingGovernor } from '../../../../functions/domain/sending-governor-service.ts';
import { dynaliteTables } from '../../../support/dynalite-tables.ts';

/* The governor's conditional writes on a real DynamoDB protocol (dynalite): the conditions are the rules. */

const dynamo = dynaliteTables();
/** The table the last `governors` call made. */
let latestTable = '';

async function governors(sending: z.input<typeof SendingConfigSchema>, count = 1) {
  const { client, tableName } = await dynamo.table('followup-sending');
  latestTable = tableName;
  const policy = sendingPolicy(z.parse(SendingConfigSchema, sending), 'America/Chicago');
  // Several governors over one table stand for concurrent Lambdas, each with its own guess.
  return Array.from(
    { length: count },
    () => new SendingGovernor(new DynamoSendingLedger({ client, tableName }), policy),
  );
}

/** What take() refused with, or 'sent'. */
const attempt = (governor: SendingGovernor, at: string, transactional = false) =>
  governor.take(new Date(at), transactional).then(
    () => 'sent',
    (error: unknown) => {
      if (error instanceof SendingCapacity) return error.reason;
      throw error;
    },
  );

describe('the sending governor on DynamoDB', () => {
  it('sends 2 of 3 marketing emails due the same morning under a cap of 2, and the third the next day', async () => {
    // Prepare
    const [a, b] = await governors({ dailyCap: 2 }, 2);
    if (!a || !b) throw new Error('two governors');
    // Act: three leads due at 09:00 Chicago, from two Lambdas
    const morning = [
      await attempt(a, '2026-12-01T15:00:00.000Z'),
      await attempt(b, '2026-12-01T15:00:01.000Z'),
      await attempt(a, '2026-12-01T15:00:02.000Z'),
    ];
    const evening = await attempt(b, '2026-12-02T05:59:00.000Z');
    const nextDay = await attempt(b, '2026-12-02T15:00:00.000Z');
    // Assess
    expect(morning).toEqual(['sent', 'sent', 'daily-cap']);
    expect(evening).toBe('daily-cap');
    expect(nextDay).toBe('sent');
    const status = await a.status(new Date('2026-12-02T15:00:00.000Z'));
    expect(status).toMatchObject({ day: '2026-12-02', dailyCap: 2, sentToday: 1 });
  });

  it('takes each send with one conditional UpdateItem, bursts and quiet spells alike, and no read', async () => {
    // Prepare: count the requests the governor makes
    const [governor] = await governors({ dailyCap: 100, ratePerSecond: 10 });
    if (!governor) throw new Error('a governor');
    const requests: string[] = [];
    // A client of its own: middleware on a document client lands on the client it wraps.
    const own = dynamo.ownClient();
    const counting = DynamoDBDocumentClient.from(own);
    counting.middlewareStack.add(
      (next, context) => async (args) => {
        requests.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    const tableName = latestTable;
    const counted = new SendingGovernor(
      new DynamoSendingLedger({ client: counting, tableName }),
      governor.policy,
    );

    // Act: 5 at one instant, then 5 a second apart
    const start = Date.parse('2026-12-01T15:00:00.000Z');
    for (let i = 0; i < 5; i++) await counted.take(new Date(start), false);
    for (let i = 1; i <= 5; i++) await counted.take(new Date(start + i * 1000), false);

    // Assess
    expect(requests).toEqual(Array(10).fill('UpdateItemCommand'));
    own.destroy();
  });

  it('tells the caller when the next token comes, and immediate sends still take a token', async () => {
    const [governor] = await governors({ ratePerSecond: 2 });
    if (!governor) throw new Error('a governor');
    const at = '2026-12-01T15:00:00.000Z';
    const burst = [
      await attempt(governor, at),
      await attempt(governor, at, true),
      await attempt(governor, at),
    ];
    expect(burst).toEqual(['sent', 'sent', 'rate']);
    expect(await attempt(governor, '2026-12-01T15:00:00.500Z')).toBe('sent');
    expect((await governor.status(new Date('2026-12-01T15:00:00.500Z'))).tokens).toBe(0);
  });

  it('pauses marketing sends when bounces reach the threshold, keeps immediate replies going, and resumes', async () => {
    // Prepare: 10 sends, and a pause at 20% of the last 10
    const [governor] = await governors({ pause: { bounceRate: 0.2, complaintRate: 0.01, overLast: 10 } });
    if (!governor) throw new Error('a governor');
    for (let i = 0; i < 10; i++) await governor.take(new Date(Date.UTC(2026, 11, 1, 15, 0, i)), false);
    // Act
    const first = await governor.recordOutcome('bounce', new Date('2026-12-01T15:01:00.000Z'));
    const afterOne = await attempt(governor, '2026-12-01T15:01:01.000Z');
    const second = await governor.recordOutcome('bounce', new Date('2026-12-01T15:01:02.000Z'));
    const marketing = await attempt(governor, '2026-12-01T15:01:03.000Z');
    const immediate = await attempt(governor, '2026-12-01T15:01:04.000Z', true);
    const paused = await governor.status(new Date('2026-12-01T15:01:05.000Z'));
    const resumed = await governor.resume();
    const again = await attempt(governor, '2026-12-01T15:01:06.000Z');
    const stillRunning = await governor.recordOutcome('bounce', new Date('2026-12-01T15:01:07.000Z'));
    // Assess
    expect(first.breach).toBeUndefined();
    expect(afterOne).toBe('sent');
    expect(second.breach).toBe('bounce');
    expect(marketing).toBe('paused');
    expect(immediate).toBe('sent');
    expect(paused.paused?.reason).toMatch(/^bounce rate 20\.00% over the last 10 sends$/);
    expect(resumed).toBe(true);
    expect(again).toBe('sent');
    // The bounces looked at before the resume no longer count: one new one does not pause again.
    expect(stillRunning.breach).toBeUndefined();
    expect((await governor.status(new Date('2026-12-01T15:01:08.000Z'))).paused).toBeUndefined();
  });
});
