import { describe, expect, it } from 'vitest';
import { type AggregateRow, buildReport } from '../../../../functions/core/report.ts';
import {
  bucketOf,
  percentileBucket,
  SPEED_BUCKETS,
  type SpeedCounter,
  speedCounter,
  speedFigures,
} from '../../../../functions/core/speed-to-lead.ts';

/* Speed to lead from histogram counters: which bucket a delay falls in, and which bucket a percentile names. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('bucketOf', () => {
  it('puts a delay on a bound in that bound’s bucket, and a millisecond more in the next', () => {
    // Prepare / Act / Assess
    expect(bucketOf(0)).toBe('1m');
    expect(bucketOf(MINUTE)).toBe('1m');
    expect(bucketOf(MINUTE + 1)).toBe('5m');
    expect(bucketOf(5 * MINUTE)).toBe('5m');
    expect(bucketOf(15 * MINUTE + 1)).toBe('1h');
    expect(bucketOf(HOUR)).toBe('1h');
    expect(bucketOf(4 * HOUR)).toBe('4h');
    expect(bucketOf(24 * HOUR)).toBe('24h');
    expect(bucketOf(72 * HOUR)).toBe('3d');
    expect(bucketOf(72 * HOUR + 1)).toBe('more');
  });

  it('counts a negative delay (clocks a little apart) as none', () => {
    expect(bucketOf(-5_000)).toBe('1m');
  });
});

describe('percentileBucket', () => {
  it('names the bucket holding the nearest-rank percentile', () => {
    // Prepare: 10 leads — 4 within a minute, 5 within 5 minutes, 1 after 3 days.
    const counts = [4, 5, 0, 0, 0, 0, 0, 1];

    // Act
    const p50 = percentileBucket(counts, 0.5);
    const p95 = percentileBucket(counts, 0.95);
    const p40 = percentileBucket(counts, 0.4);

    // Assess: rank 5 is the first of the 5-minute bucket; rank 10 (⌈9.5⌉) is the open bucket; rank 4 the 1-minute.
    expect(p50?.label).toBe('≤ 5 min');
    expect(p95?.label).toBe('> 3 d');
    expect(p95?.upToMs).toBeNull();
    expect(p40?.label).toBe('≤ 1 min');
  });

  it('is undefined when nothing was counted', () => {
    expect(
      percentileBucket(
        SPEED_BUCKETS.map(() => 0),
        0.5,
      ),
    ).toBeUndefined();
  });
});

describe('speedFigures', () => {
  it('gives p50, p95, the share within an hour and the histogram; absent counters read 0', () => {
    // Prepare: 20 leads, 19 answered within 15 minutes and 1 within 4 hours.
    const counts: Partial<Record<SpeedCounter, number>> = {
      [speedCounter('firstTouch', '15m')]: 19,
      [speedCounter('firstTouch', '4h')]: 1,
    };

    // Act
    const first = speedFigures(counts, 'firstTouch');
    const human = speedFigures(counts, 'humanTouch');

    // Assess
    expect(first).toMatchObject({
      leads: 20,
      p50: { label: '≤ 15 min', upToMs: 15 * MINUTE },
      p95: { label: '≤ 15 min' },
      withinHourRate: 0.95,
    });
    expect(first.histogram.map((b) => b.leads)).toEqual([0, 0, 19, 0, 1, 0, 0, 0]);
    expect(human).toMatchObject({ leads: 0, p50: null, p95: null, withinHourRate: null });
  });
});

describe('the report’s speedToLead', () => {
  const speedRow = (cadenceId: string, owner: string, counts: Partial<Record<SpeedCounter, number>>) =>
    ({ cadenceId, month: '2026-04', slot: 'speed', owner, counts }) as AggregateRow;

  it('sums the owners’ rows per cadence, the cadences’ per owner, and leaves `cadences` to real cadences', () => {
    // Prepare
    const rows: AggregateRow[] = [
      { cadenceId: 'web-inquiry', month: '2026-04', slot: 1, counts: { sent: 3, entered: 3 } },
      speedRow('web-inquiry', 'ana@northwind.example', { speedFirst1m: 2, speedHuman4h: 1 }),
      speedRow('web-inquiry', 'ben@northwind.example', { speedFirst1m: 1, speedHuman3d: 1 }),
      speedRow('proposal', 'ana@northwind.example', { speedFirst24h: 1 }),
    ];

    // Act
    const report = buildReport(rows);
    const { speedToLead } = report;

    // Assess
    expect(report.cadences.map((c) => c.cadence)).toEqual(['proposal', 'web-inquiry']);
    expect(report.byTouch.map((t) => [t.touch, t.sent])).toEqual([[1, 3]]);
    expect(speedToLead.firstTouch).toMatchObject({
      leads: 4,
      p50: { label: '≤ 1 min' },
      p95: { label: '≤ 24 h' },
    });
    expect(speedToLead.humanTouch).toMatchObject({
      leads: 2,
      p50: { label: '≤ 4 h' },
      p95: { label: '≤ 3 d' },
    });
    expect(speedToLead.byCadence.map((c) => [c.cadence, c.firstTouch.leads, c.humanTouch.leads])).toEqual([
      ['proposal', 1, 0],
      ['web-inquiry', 3, 2],
    ]);
    expect(
      speedToLead.byOwner.map((o) => [o.owner, o.firstTouch.p95?.label, o.humanTouch.p50?.label]),
    ).toEqual([
      ['ana@northwind.example', '≤ 24 h', '≤ 4 h'],
      ['ben@northwind.example', '≤ 1 min', '≤ 3 d'],
    ]);
    expect(speedToLead.buckets).toHaveLength(SPEED_BUCKETS.length);
  });

  it('is empty, with null percentiles, on rows written before it existed', () => {
    // Act
    const { speedToLead } = buildReport([
      { cadenceId: 'web-inquiry', month: '2025-11', slot: 1, counts: { sent: 5, replies: 1 } },
    ]);

    // Assess
    expect(speedToLead).toMatchObject({
      firstTouch: { leads: 0, p50: null, p95: null },
      humanTouch: { leads: 0, p50: null },
      byCadence: [],
      byOwner: [],
    });
  });
});
