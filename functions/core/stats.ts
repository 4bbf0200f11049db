/*
 * The tests the report decides with (docs/architecture.md §5.3), pure and deterministic:
 * - a proportion's 95% interval is Wilson's score interval: unlike the normal approximation it stays inside [0, 1]
 *   and keeps its coverage at the small counts and rates near 0 that follow-up replies have;
 * - a difference of two proportions (the lift) gets Newcombe's hybrid score interval (method 10), built from the
 *   two Wilson intervals, for the same reason;
 * - which variant is best is Bayesian: each rate has a Beta(1 + successes, 1 + failures) posterior (a uniform
 *   prior) and P(best) is estimated by a seeded Monte Carlo, so the same counts always give the same answer and a
 *   report can be reproduced. A beta-binomial posterior may be looked at any time without the peeking penalty a
 *   fixed-sample p-value pays, which is what a dashboard refreshed daily does.
 */

/** The normal quantile of a two-sided 95% interval. */
export const Z95 = 1.959963984540054;
/** P(best) a variant needs to be declared the winner. */
export const WINNER_PROBABILITY = 0.95;

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** Wilson's score interval of `successes` in `trials`; [0, 1] when there are no trials. */
export function wilson(successes: number, trials: number, z = Z95): Interval {
  if (trials <= 0) return { low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const spread = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  const denominator = 1 + z2 / trials;
  return {
    low: Math.max(0, (centre - spread) / denominator),
    high: Math.min(1, (centre + spread) / denominator),
  };
}

/** Newcombe's interval for p1 − p2 (x1 of n1 against x2 of n2); null when either side has no trials. */
export function differenceInterval(x1: number, n1: number, x2: number, n2: number): Interval | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const a = wilson(x1, n1);
  const b = wilson(x2, n2);
  const d = p1 - p2;
  return {
    low: d - Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2),
    high: d + Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2),
  };
}

/** mulberry32: a small seeded generator, enough for Monte Carlo draws that must repeat exactly. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Marsaglia and Tsang's gamma sampler (shape ≥ 1, as every Beta(1 + x, 1 + n − x) side is). */
function gamma(shape: number, random: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export interface Arm {
  readonly successes: number;
  readonly trials: number;
}

/** P(each arm has the highest rate) under independent Beta(1 + s, 1 + t − s) posteriors, by `draws` seeded draws (10,000: ±0.002 at 0.95). */
export function probabilityBest(arms: readonly Arm[], draws = 10_000, seed = 0x5eed): number[] {
  if (arms.length === 0) return [];
  if (arms.length === 1) return [1];
  const random = seeded(seed);
  const wins = arms.map(() => 0);
  for (let i = 0; i < draws; i++) {
    let best = 0;
    let bestValue = -1;
    arms.forEach((arm, k) => {
      const failures = Math.max(0, arm.trials - arm.successes);
      const x = gamma(1 + arm.successes, random);
      const value = x / (x + gamma(1 + failures, random));
      if (value > bestValue) [best, bestValue] = [k, value];
    });
    wins[best] = (wins[best] ?? 0) + 1;
  }
  return wins.map((w) => w / draws);
}

/**
 * Leads per arm a two-sided two-proportion z-test needs to detect `base` against `base + effect`, at alpha 0.05 and
 * power 0.8 (the textbook formula with the pooled variance under the null).
 */
export function leadsPerArm(base: number, effect: number): number | null {
  const p2 = base + effect;
  if (effect === 0 || base <= 0 || base >= 1 || p2 <= 0 || p2 >= 1) return null;
  const zPower = 0.8416212335729143;
  const mean = (base + p2) / 2;
  const top = Z95 * Math.sqrt(2 * mean * (1 - mean)) + zPower * Math.sqrt(base * (1 - base) + p2 * (1 - p2));
  return Math.ceil((top * top) / (effect * effect));
}
