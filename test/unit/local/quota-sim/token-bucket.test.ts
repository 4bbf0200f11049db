import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../../local/quota-sim/token-bucket.ts';

describe('TokenBucket', () => {
  it('lets a full bucket burst its capacity, then throttles until it refills', () => {
    // Prepare: SES at 14/s holds one second's worth.
    const bucket = new TokenBucket(14, 14);
    // Act
    const burst = Array.from({ length: 15 }, () => bucket.tryTake(0));
    // Assess
    expect(burst.filter(Boolean)).toHaveLength(14);
    expect(burst[14]).toBe(false);
    expect(bucket.tryTake(50)).toBe(false);
    expect(bucket.tryTake(1000 / 14 + 1)).toBe(true);
  });

  it('never holds more than its capacity after a long idle time', () => {
    const bucket = new TokenBucket(5, 100);
    bucket.tryTake(0);
    const taken = Array.from({ length: 6 }, () => bucket.tryTake(3_600_000)).filter(Boolean);
    expect(taken).toHaveLength(5);
  });

  it('queues reservations at the refill rate once the burst is spent, as Step Functions delays transitions', () => {
    // Prepare: 2 tokens, 10 per second.
    const bucket = new TokenBucket(2, 10);
    // Act
    const at = Array.from({ length: 5 }, () => bucket.reserve(0));
    // Assess: two now, then one every 100 ms, in turn.
    expect(at).toEqual([0, 0, 100, 200, 300]);
    expect(bucket.tryTake(250)).toBe(false);
    expect(bucket.reserve(1000)).toBe(1000);
  });

  it('refuses a bucket that could never hold a token', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0)).toThrow(RangeError);
  });
});
