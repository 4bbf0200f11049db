import { describe, expect, it } from 'vitest';
import {
  differenceInterval,
  leadsPerArm,
  probabilityBest,
  wilson,
} from '../../../../functions/core/stats.ts';

/* The report's tests against published worked examples (Newcombe 1998, Statistics in Medicine 17:857–872). */

describe('wilson', () => {
  it('matches Newcombe’s worked example 81/263 → 0.2553–0.3662, and stays inside [0, 1] at the edges', () => {
    // Act
    const interval = wilson(81, 263);
    // Assess
    expect(interval.low).toBeCloseTo(0.2553, 3);
    expect(interval.high).toBeCloseTo(0.3662, 3);
    expect(wilson(0, 10).low).toBe(0);
    expect(wilson(10, 10).high).toBeCloseTo(1, 10);
    expect(wilson(0, 0)).toEqual({ low: 0, high: 1 });
  });
});

describe('differenceInterval', () => {
  it('matches Newcombe’s method 10 example, 56/70 − 48/80 → 0.0524–0.3339', () => {
    // Act
    const interval = differenceInterval(56, 70, 48, 80);
    // Assess
    expect(interval?.low).toBeCloseTo(0.0524, 3);
    expect(interval?.high).toBeCloseTo(0.3339, 3);
    expect(differenceInterval(1, 10, 0, 0)).toBeNull();
  });
});

describe('probabilityBest', () => {
  it('is the same for the same counts, near certain for a clear winner and near even for a tie', () => {
    // Act
    const clear = probabilityBest([
      { successes: 80, trials: 1600 },
      { successes: 144, trials: 1600 },
    ]);
    const tie = probabilityBest([
      { successes: 50, trials: 1000 },
      { successes: 50, trials: 1000 },
    ]);
    // Assess
    expect(
      probabilityBest([
        { successes: 80, trials: 1600 },
        { successes: 144, trials: 1600 },
      ]),
    ).toEqual(clear);
    expect(clear[1]).toBeGreaterThan(0.99);
    expect(Math.abs((tie[0] ?? 0) - 0.5)).toBeLessThan(0.03);
    expect((clear[0] ?? 0) + (clear[1] ?? 0)).toBeCloseTo(1, 10);
  });
});

describe('leadsPerArm', () => {
  it('gives the textbook two-proportion sample size: 5% vs 10% at alpha 0.05, power 0.8 → 435 per arm', () => {
    // Assess
    expect(leadsPerArm(0.05, 0.05)).toBe(435);
    expect(leadsPerArm(0.05, 0)).toBeNull();
  });
});
