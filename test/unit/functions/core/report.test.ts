import { describe, expect, it } from 'vitest';
import { type AggregateRow, buildReport, mergeRows, monthOf } from '../../../../functions/core/report.ts';

/*
 * The report's maths on counters worked out by hand. A web-inquiry cadence in March: 100 leads got touch 1, 60 got
 * touch 2, 30 got touch 3. Replies: 10 after touch 1, 6 after touch 2, 3 after touch 3. Won: 4 at touch 1 ($1,000
 * each), 3 at touch 2 ($2,000 each), 1 at touch 3 ($5,000). Then 20 of its leads moved to nurture, where their 7th
 * touch in April brought 2 replies and 1 deal of $3,000.
 */

const row = (
  cadenceId: string,
  month: string,
  slot: AggregateRow['slot'],
  counts: AggregateRow['counts'],
) => ({
  cadenceId,
  month,
  slot,
  counts,
});

const ROWS: AggregateRow[] = [
  row('web-inquiry', '2026-03', 1, {
    sent: 100,
    sentEmail: 100,
    entered: 100,
    replies: 10,
    won: 4,
    revenue: 4000,
  }),
  row('web-inquiry', '2026-03', 2, {
    sent: 60,
    sentCall: 60,
    reachedTwo: 60,
    replies: 6,
    won: 3,
    revenue: 6000,
  }),
  row('web-inquiry', '2026-03', 3, {
    sent: 30,
    sentSms: 25,
    sentEmail: 5,
    skipped: 12,
    replies: 3,
    won: 1,
    revenue: 5000,
    unsubscribes: 2,
  }),
  row('web-inquiry', '2026-03', 'closed', {
    won: 8,
    revenue: 15000,
    wonAfterTwo: 4,
    revenueRecovered: 11000,
  }),
  row('quarterly-nurture', '2026-04', 7, {
    sent: 20,
    sentEmail: 20,
    entered: 20,
    reachedTwo: 20,
    replies: 2,
    won: 1,
    revenue: 3000,
  }),
  row('quarterly-nurture', '2026-04', 'closed', {
    won: 1,
    revenue: 3000,
    wonAfterTwo: 1,
    revenueRecovered: 3000,
  }),
];

describe('buildReport', () => {
  it('gives the response rate of each touch number as its replies over its sends', () => {
    // Act
    const report = buildReport(ROWS);

    // Assess
    expect(
      report.byTouch.map(({ touch, sent, replies, responseRate }) => ({
        touch,
        sent,
        replies,
        responseRate,
      })),
    ).toEqual([
      { touch: 1, sent: 100, replies: 10, responseRate: 0.1 },
      { touch: 2, sent: 60, replies: 6, responseRate: 0.1 },
      { touch: 3, sent: 30, replies: 3, responseRate: 0.1 },
      { touch: 7, sent: 20, replies: 2, responseRate: 0.1 },
    ]);
    expect(report.byTouch[2]?.sentByChannel).toEqual({ email: 5, sms: 25, call: 0, task: 0 });
    expect(report.byTouch[2]?.skipped).toBe(12);
  });

  it('overall: conversion from follow-up, touches to close and revenue recovered, each lead counted once', () => {
    // Act
    const report = buildReport(ROWS);

    // Assess
    expect(report).toMatchObject({
      leadsContacted: 100,
      leadsWithTwoTouches: 60,
      replies: 21,
      responseRate: 0.21,
      won: 9,
      // 3 + 1 + 1 deals after touch 2 or later, of the 60 leads that got 2 touches.
      wonAfterTwoTouches: 5,
      conversionRate: 5 / 60,
      // (4×1 + 3×2 + 1×3 + 1×7) / 9
      avgTouchesToClose: 20 / 9,
      revenue: 18000,
      revenueRecovered: 14000,
      funnel: { contacted: 100, replied: 21, won: 9 },
    });
    expect(report.totals).toMatchObject({ sent: 210, skipped: 12, unsubscribes: 2 });
    expect(report.months).toEqual(['2026-03', '2026-04']);
    expect(report.revenueByMonth).toEqual([
      { month: '2026-03', won: 8, revenue: 15000, revenueRecovered: 11000 },
      { month: '2026-04', won: 1, revenue: 3000, revenueRecovered: 3000 },
    ]);
  });

  it('per cadence: counts the enrollments each cadence touched', () => {
    // Act
    const report = buildReport(ROWS);

    // Assess
    const [nurture, web] = report.cadences;
    expect(web).toMatchObject({
      cadence: 'web-inquiry',
      leadsContacted: 100,
      leadsWithTwoTouches: 60,
      conversionRate: 4 / 60,
      avgTouchesToClose: 13 / 8,
      revenueRecovered: 11000,
    });
    // Nurture leads arrive with 6 touches behind them: every deal there came after the 2nd touch.
    expect(nurture).toMatchObject({
      cadence: 'quarterly-nurture',
      leadsContacted: 20,
      leadsWithTwoTouches: 20,
      conversionRate: 1 / 20,
      avgTouchesToClose: 7,
      revenueRecovered: 3000,
    });
  });

  it('keeps the months and cadences asked for', () => {
    // Act
    const march = buildReport(ROWS, { until: '2026-03' });
    const nurture = buildReport(ROWS, { cadences: ['quarterly-nurture'] });

    // Assess
    expect(march.months).toEqual(['2026-03']);
    expect(march.cadences.map((c) => c.cadence)).toEqual(['web-inquiry']);
    expect(march.revenueRecovered).toBe(11000);
    expect(nurture.byTouch.map((t) => t.touch)).toEqual([7]);
    expect(nurture).toMatchObject({ since: null, until: null, won: 1 });
  });

  it('says "no rate" (null), not 0%, where nothing was sent or won', () => {
    // Act
    const empty = buildReport([]);
    const skippedOnly = buildReport([row('proposal', '2026-03', 4, { skipped: 3 })]);

    // Assess
    expect(empty).toMatchObject({
      byTouch: [],
      responseRate: null,
      conversionRate: null,
      avgTouchesToClose: null,
      revenueRecovered: 0,
      cadences: [],
    });
    expect(skippedOnly.byTouch).toEqual([
      expect.objectContaining({ touch: 4, sent: 0, skipped: 3, responseRate: null }),
    ]);
  });

  it('keeps what happened before the first touch out of the follow-up figures', () => {
    // Prepare: two carts bought within the hour, before the first reminder.
    const rows = [
      ...ROWS,
      row('abandoned-cart', '2026-03', 0, { replies: 2, won: 2, revenue: 180 }),
      row('abandoned-cart', '2026-03', 'closed', { won: 2, revenue: 180 }),
    ];

    // Act
    const report = buildReport(rows);

    // Assess
    expect(report.beforeFirstTouch).toEqual({ replies: 2, won: 2, revenue: 180 });
    expect(report.funnel).toEqual({ contacted: 100, replied: 21, won: 9 });
    expect(report.byTouch.map((t) => t.touch)).not.toContain(0);
    // Deals still count in all won and in the touches to close (at 0 touches).
    expect(report).toMatchObject({
      won: 11,
      revenue: 18180,
      revenueRecovered: 14000,
      avgTouchesToClose: 20 / 11,
    });
  });

  it('gives positive replies by touch and meetings per 100 enrolled (#14); old rows without the counter read as 0', () => {
    // Prepare: March's 10 replies to touch 1 held 6 positive ones and its 6 to touch 2 held 2, with 3 meetings
    // in all; touch 3's row was written before the counter existed.
    const rows = ROWS.map((r) =>
      r.cadenceId === 'web-inquiry' && r.slot === 1
        ? { ...r, counts: { ...r.counts, positiveReplies: 6, meetings: 2 } }
        : r.cadenceId === 'web-inquiry' && r.slot === 2
          ? { ...r, counts: { ...r.counts, positiveReplies: 2, meetings: 1 } }
          : r,
    );

    // Act
    const report = buildReport(rows);

    // Assess
    expect(report.byTouch.slice(0, 3).map((t) => [t.touch, t.positiveReplies, t.positiveReplyRate])).toEqual([
      [1, 6, 6 / 100],
      [2, 2, 2 / 60],
      [3, 0, 0],
    ]);
    expect(report.positiveReplies).toBe(8);
    expect(report.positiveReplyRate).toBe(8 / 100);
    expect(report.positiveReplies).toBeLessThanOrEqual(report.replies);
    expect(report.meetingsPer100Enrolled).toBe(3);
    const web = report.cadences.find((c) => c.cadence === 'web-inquiry');
    expect(web?.meetingsPer100Enrolled).toBe(3);
    expect(buildReport([])).toMatchObject({
      positiveReplies: 0,
      positiveReplyRate: null,
      meetingsPer100Enrolled: null,
    });
  });

  it('adds rows of the same cadence, month and slot (simulation shards)', () => {
    // Act
    const merged = mergeRows([
      row('web-inquiry', '2026-03', 1, { sent: 3, replies: 1 }),
      row('web-inquiry', '2026-03', 1, { sent: 4 }),
    ]);

    // Assess
    expect(merged).toHaveLength(1);
    expect(merged[0]?.counts).toMatchObject({ sent: 7, replies: 1 });
  });
});

describe('monthOf', () => {
  it('is the UTC month, whatever the offset written', () => {
    expect(monthOf('2026-03-31T22:30:00-05:00')).toBe('2026-04');
    expect(monthOf('2026-03-01T00:00:00Z')).toBe('2026-03');
  });
});
