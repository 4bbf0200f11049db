import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../../functions/core/cadence-schema.ts';
import { RETRY_TRANSIENT, type Retrier } from '../../../../functions/core/compile.ts';
import { runWorld, type World } from '../../../../local/quota-sim/engine.ts';
import { DEFAULT_DURATIONS, DEFAULT_QUOTAS } from '../../../../local/quota-sim/quotas.ts';
import { mulberry32 } from '../../../../local/simulate/random.ts';

const T0 = Date.parse('2026-07-07T14:00:00Z');
/** The governor's error, retried for hours as a Retrier for it would. */
const CAPACITY: Retrier = {
  ...RETRY_TRANSIENT,
  ErrorEquals: ['SendingCapacity'],
  MaxAttempts: 100,
  MaxDelaySeconds: 600,
};

/** `leads` leads whose one email is due at the same instant: a 09:00 wave. */
function wave(leads: number, world: World, retriers: readonly Retrier[], channel: Channel = 'email') {
  return runWorld({
    world,
    arrivals: new Float64Array(leads).fill(T0 - 3_600_000),
    schedule: new Float64Array(leads).fill(T0),
    channels: [channel],
    retriers,
    quotas: { ...DEFAULT_QUOTAS, sesRate: 2 },
    durations: DEFAULT_DURATIONS,
    random: mulberry32(3),
  });
}

describe('runWorld', () => {
  it('without a governor, a wave past the SES rate fails executions once the transient Retry is spent', () => {
    const figures = wave(300, 'without governor', [RETRY_TRANSIENT]);
    expect(figures.throttles.ses).toBeGreaterThan(300);
    expect(figures.failedExecutions).toBeGreaterThan(0);
    expect(figures.failedExecutions + figures.completed).toBe(300);
    expect(figures.firstFailure).toMatchObject({
      error: 'TransientError',
      attempts: RETRY_TRANSIENT.MaxAttempts,
    });
  });

  it('with the governor and its Retrier, the same wave is sent, once each, only later', () => {
    const figures = wave(300, 'with governor', [CAPACITY, RETRY_TRANSIENT]);
    expect(figures.failedExecutions).toBe(0);
    expect(figures.touchesSent).toBe(300);
    expect(figures.duplicateSends).toBe(0);
    expect(figures.throttles.ses).toBe(0);
    expect(figures.throttlesAbsorbed).toBe(figures.throttles.governor);
    // 300 emails at 2/s take at least 150 s.
    expect(figures.lateness.maxSeconds).toBeGreaterThanOrEqual(149);
  });

  it('with a governor the compiled Retry does not handle, its refusals fail executions at once', () => {
    const figures = wave(300, 'with governor', [RETRY_TRANSIENT]);
    expect(figures.firstFailure).toMatchObject({ error: 'SendingCapacity', attempts: 0 });
  });

  it('texts are not held by the SES rate', () => {
    const figures = wave(300, 'without governor', [RETRY_TRANSIENT], 'sms');
    expect(figures.throttles.ses).toBe(0);
    expect(figures.lateness.maxSeconds).toBeLessThan(5);
  });

  it('is the same for the same seed', () => {
    expect(wave(200, 'without governor', [RETRY_TRANSIENT])).toEqual(
      wave(200, 'without governor', [RETRY_TRANSIENT]),
    );
  });
});
