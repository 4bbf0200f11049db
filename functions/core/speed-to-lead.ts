/*
 * Speed to lead (#15) as pure maths over counters (docs/architecture.md §5.3): how long a lead waited from its arrival
 * (the start of the enrollment it came in by) to its first touch, and to its first human touch (a call or task step a
 * rep marked done). A report reads counters, never the leads, so each delay is filed in a fixed histogram bucket and
 * a percentile is given as the upper bound of the bucket it falls in ("≤ 5 min"), not as an exact time.
 */

/** The buckets' upper bounds, each inclusive; a delay beyond the last falls in `more`. */
export const SPEED_BUCKETS = [
  { id: '1m', upToMs: 60_000, label: '≤ 1 min' },
  { id: '5m', upToMs: 5 * 60_000, label: '≤ 5 min' },
  { id: '15m', upToMs: 15 * 60_000, label: '≤ 15 min' },
  { id: '1h', upToMs: 3_600_000, label: '≤ 1 h' },
  { id: '4h', upToMs: 4 * 3_600_000, label: '≤ 4 h' },
  { id: '24h', upToMs: 24 * 3_600_000, label: '≤ 24 h' },
  { id: '3d', upToMs: 3 * 86_400_000, label: '≤ 3 d' },
  { id: 'more', upToMs: null, label: '> 3 d' },
] as const;
export type SpeedBucket = (typeof SPEED_BUCKETS)[number];
export type SpeedBucketId = SpeedBucket['id'];

/** What is timed: to the first touch of any channel, or to the first task a rep marked done. */
export const SPEED_MEASURES = ['firstTouch', 'humanTouch'] as const;
export type SpeedMeasure = (typeof SPEED_MEASURES)[number];

const PREFIX: Readonly<Record<SpeedMeasure, string>> = { firstTouch: 'speedFirst', humanTouch: 'speedHuman' };

/** The counter of a measure's bucket, as the aggregate rows hold it: `speedFirst5m`, `speedHumanMore`. */
export type SpeedCounter = `${'speedFirst' | 'speedHuman'}${Capitalize<SpeedBucketId>}`;

const capital = <S extends string>(s: S) => `${s.charAt(0).toUpperCase()}${s.slice(1)}` as Capitalize<S>;

export const speedCounter = (measure: SpeedMeasure, bucket: SpeedBucketId): SpeedCounter =>
  `${PREFIX[measure]}${capital(bucket)}` as SpeedCounter;

/** Every speed counter, measure by measure, each in bucket order. */
export const SPEED_COUNTERS: readonly SpeedCounter[] = SPEED_MEASURES.flatMap((measure) =>
  SPEED_BUCKETS.map((bucket) => speedCounter(measure, bucket.id)),
);

/** The bucket a delay falls in; a negative delay (clocks a little apart) counts as none. */
export function bucketOf(delayMs: number): SpeedBucketId {
  const delay = Math.max(0, delayMs);
  return SPEED_BUCKETS.find((bucket) => bucket.upToMs !== null && delay <= bucket.upToMs)?.id ?? 'more';
}

export interface SpeedPercentile {
  /** "≤ 5 min", or "> 3 d" past the last bound: the bucket the percentile falls in. */
  readonly label: string;
  /** The bucket's upper bound in milliseconds; null for the open last bucket. */
  readonly upToMs: number | null;
}

export interface SpeedFigures {
  /** Enrollments timed. */
  readonly leads: number;
  /** Nearest rank: the bucket holding the ⌈0.5 × leads⌉-th shortest delay; null when none were timed. */
  readonly p50: SpeedPercentile | null;
  readonly p95: SpeedPercentile | null;
  /** The share reached within an hour (an exact bucket bound); null when none were timed. */
  readonly withinHourRate: number | null;
  /** Leads per bucket, in SPEED_BUCKETS order. */
  readonly histogram: readonly { readonly bucket: string; readonly leads: number }[];
}

/**
 * The bucket holding the percentile `p` (0 < p ≤ 1) of `counts` (one per bucket, in order), by nearest rank: the
 * ⌈p × n⌉-th shortest delay. Undefined when the counts are all zero.
 */
export function percentileBucket(counts: readonly number[], p: number): SpeedBucket | undefined {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [i, n] of counts.entries()) {
    seen += n;
    if (seen >= rank) return SPEED_BUCKETS[i];
  }
  return SPEED_BUCKETS.at(-1);
}

const percentile = (counts: readonly number[], p: number): SpeedPercentile | null => {
  const bucket = percentileBucket(counts, p);
  return bucket ? { label: bucket.label, upToMs: bucket.upToMs } : null;
};

/** The figures of one measure from summed counters (a counter that is absent reads 0). */
export function speedFigures(
  counts: Readonly<Partial<Record<SpeedCounter, number>>>,
  measure: SpeedMeasure,
): SpeedFigures {
  const perBucket = SPEED_BUCKETS.map((bucket) => counts[speedCounter(measure, bucket.id)] ?? 0);
  const leads = perBucket.reduce((sum, n) => sum + n, 0);
  const hour = SPEED_BUCKETS.findIndex((bucket) => bucket.id === '1h');
  const withinHour = perBucket.slice(0, hour + 1).reduce((sum, n) => sum + n, 0);
  return {
    leads,
    p50: percentile(perBucket, 0.5),
    p95: percentile(perBucket, 0.95),
    withinHourRate: leads > 0 ? withinHour / leads : null,
    histogram: SPEED_BUCKETS.map((bucket, i) => ({ bucket: bucket.label, leads: perBucket[i] ?? 0 })),
  };
}

export interface SpeedToLeadFigures {
  readonly firstTouch: SpeedFigures;
  readonly humanTouch: SpeedFigures;
}

/** An aggregate row of speed counters, as the report hands them over. */
export interface SpeedRow {
  readonly cadenceId: string;
  /** The lead's owner (the rep) when the delay was counted; "" when it had none (the deployment's default owner). */
  readonly owner?: string;
  readonly counts: Readonly<Partial<Record<SpeedCounter, number>>>;
}

export interface SpeedToLead extends SpeedToLeadFigures {
  /** The buckets' labels, in order: p50 and p95 name the bucket they fall in, never an exact time. */
  readonly buckets: readonly string[];
  readonly byCadence: readonly ({ readonly cadence: string } & SpeedToLeadFigures)[];
  /** Per rep: the lead's owner, across the cadences asked for. */
  readonly byOwner: readonly ({ readonly owner: string } & SpeedToLeadFigures)[];
}

function summed(rows: readonly SpeedRow[]): SpeedToLeadFigures {
  const counts: Partial<Record<SpeedCounter, number>> = {};
  for (const row of rows) {
    for (const counter of SPEED_COUNTERS)
      counts[counter] = (counts[counter] ?? 0) + (row.counts[counter] ?? 0);
  }
  return { firstTouch: speedFigures(counts, 'firstTouch'), humanTouch: speedFigures(counts, 'humanTouch') };
}

/** Overall, per cadence and per owner, from rows already filtered to the months and cadences asked for. */
export function speedToLead(rows: readonly SpeedRow[]): SpeedToLead {
  const groups = (keyOf: (row: SpeedRow) => string) => {
    const by = new Map<string, SpeedRow[]>();
    for (const row of rows) by.set(keyOf(row), [...(by.get(keyOf(row)) ?? []), row]);
    return [...by.entries()].sort(([a], [b]) => a.localeCompare(b));
  };
  return {
    buckets: SPEED_BUCKETS.map((bucket) => bucket.label),
    ...summed(rows),
    byCadence: groups((row) => row.cadenceId).map(([cadence, of]) => ({ cadence, ...summed(of) })),
    byOwner: groups((row) => row.owner ?? '').map(([owner, of]) => ({ owner, ...summed(of) })),
  };
}
