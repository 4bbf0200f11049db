import { describe, expect, it } from 'vitest';
import type { Cadence } from '../../../../functions/core/cadence-schema.ts';
import { compileCadence, RETRY_TRANSIENT, type Retrier } from '../../../../functions/core/compile.ts';
import {
  backoffSeconds,
  retrierFor,
  retryDelaySeconds,
  touchRetriers,
} from '../../../../local/quota-sim/retry.ts';
import { mulberry32 } from '../../../../local/simulate/random.ts';

const retrier: Retrier = {
  ErrorEquals: ['TransientError'],
  IntervalSeconds: 2,
  BackoffRate: 2,
  MaxAttempts: 6,
  MaxDelaySeconds: 20,
  JitterStrategy: 'FULL',
};

describe('retry timing as Step Functions computes it', () => {
  it('grows IntervalSeconds × BackoffRate^n and caps it at MaxDelaySeconds', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffSeconds(retrier, n))).toEqual([2, 4, 8, 16, 20, 20]);
  });

  it('with FULL jitter draws each delay uniformly below the capped backoff, from the seed', () => {
    // Prepare
    const draws = (seed: number) => {
      const random = mulberry32(seed);
      return Array.from({ length: 2000 }, (_, i) => retryDelaySeconds(retrier, i % 6, random));
    };
    // Act
    const first = draws(7);
    // Assess: inside [0, cap), spread over it, the same for the same seed and not for another.
    first.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(backoffSeconds(retrier, i % 6));
    });
    const late = first.filter((_, i) => i % 6 === 5);
    expect(Math.max(...late)).toBeGreaterThan(18);
    expect(Math.min(...late)).toBeLessThan(2);
    expect(draws(7)).toEqual(first);
    expect(draws(8)).not.toEqual(first);
  });

  it('without jitter waits the capped backoff exactly', () => {
    const none = { ...retrier, JitterStrategy: 'NONE' as const };
    expect(retryDelaySeconds(none, 3, () => 0.5)).toBe(16);
  });

  it('picks the first Retrier naming the error, States.ALL as a catch-all, and none for an unknown error', () => {
    const all: Retrier = { ...retrier, ErrorEquals: ['States.ALL'] };
    expect(retrierFor([retrier, all], 'TransientError')).toBe(0);
    expect(retrierFor([retrier, all], 'Anything')).toBe(1);
    expect(retrierFor([retrier], 'MessageRejected')).toBe(-1);
  });

  it('reads the touch Retry from the compiled definition', () => {
    const cadence = {
      id: 'c',
      name: 'C',
      timezone: 'UTC',
      steps: [{ id: 's', wait: '1 day', channel: 'email', template: 't' }],
    } as unknown as Cadence;
    const retry = touchRetriers(compileCadence(cadence, { touchFunction: 't', completeFunction: 'c' }));
    const transient = retry[retrierFor(retry, 'Lambda.TooManyRequestsException')];
    expect(transient).toMatchObject({ MaxAttempts: RETRY_TRANSIENT.MaxAttempts, IntervalSeconds: 2 });
  });
});
