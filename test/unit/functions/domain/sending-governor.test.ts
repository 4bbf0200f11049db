import { describe, expect, it } from 'vitest';
import { SendingConfigSchema } from '../../../../functions/core/config.ts';
import * as z from '../../../../functions/core/zod.ts';
import {
  bucketTokens,
  dailyCapOn,
  decide,
  nextTokenAt,
  reputation,
  type SendingPolicy,
  sendingPolicy,
} from '../../../../functions/domain/sending-governor.ts';

const policy = (sending: z.input<typeof SendingConfigSchema>): SendingPolicy =>
  sendingPolicy(z.parse(SendingConfigSchema, sending), 'America/Chicago');

// 09:00 in Chicago on Tue 1 Dec 2026.
const MORNING = Date.parse('2026-12-01T15:00:00.000Z');

describe('the token bucket', () => {
  const rate = policy({ ratePerSecond: 10 });

  it('is full when idle and refills one token per interval', () => {
    // Prepare: ten sends at one instant empty it
    let tat: number | undefined;
    for (let i = 0; i < 10; i++) tat = Math.max(tat ?? MORNING, MORNING) + 100;
    // Assess
    expect(bucketTokens(rate, undefined, MORNING)).toBe(10);
    expect(bucketTokens(rate, tat, MORNING)).toBe(0);
    expect(nextTokenAt(rate, tat, MORNING)).toBe(MORNING + 100);
    expect(bucketTokens(rate, tat, MORNING + 100)).toBe(1);
    expect(bucketTokens(rate, tat, MORNING + 550)).toBe(5);
    expect(bucketTokens(rate, tat, MORNING + 60_000)).toBe(10);
  });

  it('refuses a send when empty and says when the next token comes', () => {
    const decision = decide(rate, { tat: MORNING + 1000 }, MORNING, false);
    expect(decision).toEqual({ kind: 'wait', reason: 'rate', retryAt: MORNING + 100 });
  });

  it('restarts an idle bucket and advances a busy one', () => {
    const idle = decide(rate, { tat: MORNING - 5 }, MORNING, false);
    const busy = decide(rate, { tat: MORNING + 300 }, MORNING, false);
    expect(idle.kind === 'take' && idle.plan.bucket).toBe('idle');
    expect(busy.kind === 'take' && busy.plan).toMatchObject({ bucket: 'busy', tatLimit: MORNING + 900 });
  });
});

describe('the daily cap and its ramp', () => {
  const ramped = policy({ dailyCap: 2000, ramp: [50, 100, 200, 400], rampStart: '2026-12-01' });

  it('caps day n after rampStart at ramp[n], then at dailyCap', () => {
    expect(dailyCapOn(ramped, '2026-11-30')).toBe(50);
    expect(dailyCapOn(ramped, '2026-12-01')).toBe(50);
    expect(dailyCapOn(ramped, '2026-12-02')).toBe(100);
    expect(dailyCapOn(ramped, '2026-12-04')).toBe(400);
    expect(dailyCapOn(ramped, '2026-12-05')).toBe(2000);
    expect(dailyCapOn(policy({ ratePerSecond: 14 }), '2026-12-05')).toBeUndefined();
  });

  it('holds marketing back at the cap until the next day starts in its zone', () => {
    const capped = policy({ dailyCap: 2 });
    const decision = decide(capped, { day: '2026-12-01', sentToday: 2 }, MORNING, false);
    expect(decision).toEqual({
      kind: 'wait',
      reason: 'daily-cap',
      retryAt: Date.parse('2026-12-02T06:00:00.000Z'),
    });
    expect(decide(capped, { day: '2026-12-01', sentToday: 1 }, MORNING, false).kind).toBe('take');
  });

  it('lets an immediate (transactional) send past the cap and the pause, but not past the bucket', () => {
    const capped = policy({ dailyCap: 2, ratePerSecond: 1 });
    const full = { day: '2026-12-01', sentToday: 2, paused: { at: 'x', reason: 'bounce' } };
    const decision = decide(capped, full, MORNING, true);
    expect(decision.kind === 'take' && decision.plan).toMatchObject({ pausable: false });
    expect(decision.kind === 'take' && decision.plan.cap).toBeUndefined();
    expect(decide(capped, full, MORNING, false)).toEqual({ kind: 'wait', reason: 'paused' });
    expect(decide(capped, { ...full, tat: MORNING + 1000 }, MORNING, true).kind).toBe('wait');
  });
});

describe('the reputation pause', () => {
  const watch = policy({ pause: { bounceRate: 0.04, complaintRate: 0.001, overLast: 500 } });

  it('triggers at the threshold and not below', () => {
    expect(reputation(watch, 500, { bounces: 20, complaints: 0 }).breach).toBe('bounce');
    expect(reputation(watch, 500, { bounces: 19, complaints: 0 }).breach).toBeUndefined();
    expect(reputation(watch, 500, { bounces: 0, complaints: 1 }).breach).toBe('complaint');
    expect(reputation(watch, 500, { bounces: 0, complaints: 0 }).breach).toBeUndefined();
  });

  it('does not pause a new sender on a count clean sends could still bring under the rate', () => {
    // 3 bounces in 10 sends is 30%, but 3 of the next 500 is 0.6%.
    const young = reputation(watch, 10, { bounces: 3, complaints: 0 });
    expect(young.bounceRate).toBeCloseTo(0.3);
    expect(young.breach).toBeUndefined();
  });

  it('defaults below the SES review thresholds (5% bounces, 0.1% complaints)', () => {
    const defaults = policy({}).pause;
    expect(defaults.bounceRate).toBeLessThan(0.05);
    expect(defaults.complaintRate).toBeLessThan(0.001);
  });
});

describe('texts and other timelines', () => {
  const both = policy({ ratePerSecond: 10, sms: { ratePerSecond: 1 } });

  it('takes a text from its own bucket (smsTat): a full email bucket does not hold a text, and texts are never capped', () => {
    const emailFull = { tat: MORNING + 1000, day: '2026-12-01', sentToday: 5 };
    const capped = policy({ ratePerSecond: 10, dailyCap: 5 });
    expect(decide(both, emailFull, MORNING, false, 'email').kind).toBe('wait');
    expect(decide(both, emailFull, MORNING, false, 'sms')).toMatchObject({
      kind: 'take',
      plan: { channel: 'sms', bucket: 'idle', interval: 1000 },
    });
    expect(decide(capped, { day: '2026-12-01', sentToday: 5 }, MORNING, false, 'sms').kind).toBe('take');
    expect(decide(both, { smsTat: MORNING + 1 }, MORNING, false, 'sms')).toEqual({
      kind: 'wait',
      reason: 'rate',
      retryAt: MORNING + 1,
    });
  });

  it('holds a text while paused: a bad list bounces texts too', () => {
    const paused = { paused: { at: '2026-12-01T14:00:00Z', reason: 'bounce rate 4.00%' } };
    expect(decide(both, paused, MORNING, false, 'sms')).toEqual({ kind: 'wait', reason: 'paused' });
  });

  it('starts the bucket again when its tat is from another timeline (more than a minute past its reach)', () => {
    // A simulated lead days ahead wrote tat; a real wave never pushes it past the burst's reach.
    const ahead = decide(both, { tat: MORNING + 3 * 86_400_000 }, MORNING, false);
    const nearly = decide(both, { tat: MORNING + 30_000 }, MORNING, false);
    expect(ahead).toMatchObject({
      kind: 'take',
      plan: { bucket: 'foreign', foreignAfter: MORNING + 61_000 },
    });
    expect(nearly).toMatchObject({ kind: 'wait', reason: 'rate' });
  });
});

describe('the policy in force', () => {
  it('reads "account" from the account, else from the fallback; a number is the config\'s own', () => {
    const sending = z.parse(SendingConfigSchema, {});
    const account = { source: 'account', limits: { maxSendRate: 50, max24HourSend: 200_000 } } as const;
    expect(sendingPolicy(sending, 'UTC', account)).toMatchObject({
      ratePerSecond: 50,
      burst: 50,
      dailyCap: 200_000,
      rateSource: 'account',
    });
    expect(sendingPolicy(sending, 'UTC', { source: 'fallback' })).toMatchObject({
      ratePerSecond: 1,
      dailyCap: 200,
      rateSource: 'fallback',
    });
    const own = sendingPolicy(z.parse(SendingConfigSchema, { ratePerSecond: 14 }), 'UTC', account);
    expect(own).toMatchObject({ ratePerSecond: 14, rateSource: 'config' });
    expect(own.dailyCap).toBeUndefined();
  });
});
