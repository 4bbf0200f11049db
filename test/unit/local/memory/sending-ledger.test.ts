import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoSendingLedger } from '../../../../functions/adapters/dynamo/sending-governor.ts';
import { SendingConfigSchema } from '../../../../functions/core/config.ts';
import * as z from '../../../../functions/core/zod.ts';
import { sendingPolicy } from '../../../../functions/domain/sending-governor.ts';
import {
  SendingGovernor,
  type SendingLedger,
} from '../../../../functions/domain/sending-governor-service.ts';
import { metered, type Requests } from '../../../../local/memory/request-units.ts';
import { MemorySendingLedger, SENDING_LEDGER_REQUESTS } from '../../../../local/memory/sending-ledger.ts';
import { dynaliteTables } from '../../../support/dynalite-tables.ts';

/*
 * The memory engine's governor ledger against the DynamoDB one (#15): the same story of sends, waits, a pause and a
 * resume gives the same answers on both, and the memory ledger bills the requests the table was sent.
 */

const dynamo = dynaliteTables();
const MORNING = Date.parse('2026-12-01T15:00:00.000Z');
const policy = sendingPolicy(
  z.parse(SendingConfigSchema, {
    ratePerSecond: 2,
    dailyCap: 3,
    sms: { ratePerSecond: 1 },
    pause: { bounceRate: 0.2, complaintRate: 0.01, overLast: 10 },
  }),
  'America/Chicago',
);

/** The story, on one ledger: what each step answered, in order. */
async function story(ledger: SendingLedger): Promise<string[]> {
  const governor = new SendingGovernor(ledger, policy);
  const answers: string[] = [];
  const take = async (ms: number, transactional: boolean, channel: 'email' | 'sms' = 'email') => {
    const answer = await governor.take(new Date(MORNING + ms), transactional, channel).then(
      () => 'taken',
      (error: { reason?: string }) => `wait:${error.reason}`,
    );
    answers.push(`${channel}@${ms}:${answer}`);
  };
  // Two at once fill the email bucket; a third waits; a text has its own bucket.
  await take(0, false);
  await take(0, false);
  await take(0, false);
  await take(0, false, 'sms');
  await take(0, false, 'sms');
  // A second later: a token back; then the day's cap of 3 holds marketing, not an immediate reply.
  await take(1000, false);
  await take(2000, false);
  await take(3000, true);
  // A bounce rate over the window pauses marketing email and texts; a resume ends it.
  await governor.recordOutcome('bounce', new Date(MORNING + 4000));
  const rep = await governor.recordOutcome('bounce', new Date(MORNING + 4000));
  answers.push(`paused:${rep.paused === true}`);
  await take(5000, false, 'sms');
  await take(5000, true);
  answers.push(`resumed:${await governor.resume()}`);
  await take(6000, false, 'sms');
  // A send from another timeline (days behind the bucket): the bucket starts again, the send goes.
  await take(-3 * 86_400_000, true);
  answers.push(JSON.stringify(await governor.status(new Date(MORNING + 6000))));
  return answers;
}

describe('the memory ledger', () => {
  it('answers a story of sends, waits, a pause and a resume as the DynamoDB ledger does, and bills what it sent', async () => {
    // Prepare: the table's requests counted at the client, the memory ledger's at its port
    const { tableName } = await dynamo.table('followup-ledger');
    const raw = dynamo.ownClient();
    let sent = 0;
    raw.middlewareStack.add(
      (next) => async (args) => {
        sent++;
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
    const client = DynamoDBDocumentClient.from(raw);
    const billed: Requests = { reads: 0, writes: 0 };

    // Act
    const onTable = await story(new DynamoSendingLedger({ client, tableName }));
    const inMemory = await story(metered(new MemorySendingLedger(), SENDING_LEDGER_REQUESTS, billed));

    // Assess
    expect(inMemory).toEqual(onTable);
    expect(onTable.slice(0, 5)).toEqual([
      'email@0:taken',
      'email@0:taken',
      'email@0:wait:rate',
      'sms@0:taken',
      'sms@0:wait:rate',
    ]);
    expect(onTable).toContain('paused:true');
    expect(onTable).toContain('sms@5000:wait:paused');
    expect(onTable).toContain('email@-259200000:taken');
    expect(billed.reads + billed.writes).toBe(sent);
  });
});
