import { describe, expect, it } from 'vitest';
import { type AggregateRow, buildReport } from '../../../../functions/core/report.ts';
import { experimentRulesOf } from '../../../../functions/core/variant-report.ts';

/* The report's experiments: per-variant figures with intervals, the winner test, the holdout's lift. */

const MONTH = '2026-03';
const row = (slot: AggregateRow['slot'], counts: AggregateRow['counts'], owner?: string): AggregateRow => ({
  cadenceId: 'proposal-ab',
  month: MONTH,
  slot,
  ...(owner === undefined ? {} : { owner }),
  counts,
});
const TOUCHES = [row(1, { sent: 3200, entered: 3200, replies: 200, positiveReplies: 180 })];

describe('buildReport with variants and a holdout', () => {
  it('gives each variant its counts, rate, Wilson interval and probability of being best, and names the winner', () => {
    // Prepare
    const rows = [
      ...TOUCHES,
      row('variant', { sent: 1600, replies: 90, positiveReplies: 80, meetings: 4, won: 3 }, 'proposal/a'),
      row('variant', { sent: 1600, replies: 150, positiveReplies: 144, meetings: 9, won: 5 }, 'proposal/b'),
    ];
    // Act
    const report = buildReport(rows, { experiments: () => ({ autoPromote: true }) });
    // Assess
    const [a, b] = report.byVariant ?? [];
    expect(a).toMatchObject({
      step: 'proposal',
      variant: 'a',
      sent: 1600,
      positiveReplies: 80,
      meetings: 4,
      wins: 3,
    });
    expect(a?.rate).toBeCloseTo(0.05, 10);
    expect(a?.rateLow).toBeLessThan(0.05);
    expect(a?.rateHigh).toBeGreaterThan(0.05);
    expect(b?.probabilityBest).toBeGreaterThan(0.99);
    expect(report.winners).toEqual([
      expect.objectContaining({ step: 'proposal', variant: 'b', decideOn: 'positiveReplies', promote: true }),
    ]);
  });

  it('declares no winner when the test is not sure, and judges on the cadence’s decideOn', () => {
    // Prepare: b has more positive replies, a more wins, neither by much.
    const rows = [
      row('variant', { sent: 400, positiveReplies: 20, won: 9 }, 'proposal/a'),
      row('variant', { sent: 400, positiveReplies: 24, won: 6 }, 'proposal/b'),
    ];
    // Act
    const onReplies = buildReport(rows);
    const onWins = buildReport(rows, { experiments: () => ({ decideOn: 'wins' }) });
    // Assess
    expect(onReplies.winners).toEqual([]);
    expect(onWins.byVariant?.map((v) => v.rate)).toEqual([9 / 400, 6 / 400]);
    expect(onWins.byVariant?.every((v) => v.decideOn === 'wins')).toBe(true);
  });

  it('gives the holdout’s lift with Newcombe’s interval, overall and on its cadence', () => {
    // Prepare
    const rows = [
      ...TOUCHES,
      row('holdout', {
        heldOut: 80,
        heldOutWon: 48,
        heldOutRevenue: 4800,
        treated: 70,
        treatedWon: 56,
        treatedRevenue: 5600,
      }),
    ];
    // Act
    const report = buildReport(rows);
    // Assess
    expect(report.holdout).toMatchObject({
      leads: 80,
      conversions: 48,
      revenue: 4800,
      treatedLeads: 70,
      treatedConversions: 56,
    });
    expect(report.holdout?.lift).toBeCloseTo(0.2, 10);
    expect(report.holdout?.liftLow).toBeCloseTo(0.0524, 3);
    expect(report.holdout?.liftHigh).toBeCloseTo(0.3339, 3);
    expect(report.cadences[0]?.holdout).toEqual(report.holdout);
  });

  it('keeps the held-out leads’ deals (never touched, by design) out of the average touches to close', () => {
    // Prepare: 10 deals after touch 1 and 20 after touch 2 among the treated; 6 held-out deals at no touch.
    const rows = [
      row(0, { won: 6, revenue: 600 }),
      row(1, { sent: 100, entered: 100, won: 10, revenue: 1000 }),
      row(2, { sent: 80, reachedTwo: 80, won: 20, revenue: 2000 }),
      row('holdout', { heldOut: 25, heldOutWon: 6, heldOutRevenue: 600, treated: 100, treatedWon: 30 }),
    ];
    // Act
    const report = buildReport(rows);
    // Assess: every deal is still a deal; the average is the treated deals' (1×10 + 2×20) / 30.
    expect(report.won).toBe(36);
    expect(report.avgTouchesToClose).toBeCloseTo(50 / 30, 10);
    expect(report.cadences[0]?.avgTouchesToClose).toBeCloseTo(50 / 30, 10);
  });

  it('reports a cadence without variants or holdout exactly as before: no new keys', () => {
    // Act
    const report = buildReport(TOUCHES);
    // Assess
    expect(Object.keys(report)).not.toContain('byVariant');
    expect(Object.keys(report)).not.toContain('holdout');
    expect(Object.keys(report.cadences[0] ?? {})).not.toContain('holdout');
    expect(report.byTouch.map((t) => t.touch)).toEqual([1]);
  });
});

describe('experimentRulesOf', () => {
  it('gives each cadence its own decideOn and autoPromote, and the defaults to one it does not know', () => {
    // Prepare: how the dashboard and GET /api/report see the cadences the runtime loaded (#16)
    const rules = experimentRulesOf([
      { id: 'proposal', decideOn: 'meetings', autoPromote: true },
      { id: 'web-inquiry' },
    ]);

    // Act + Assess
    expect(rules('proposal')).toEqual({ decideOn: 'meetings', autoPromote: true });
    expect(rules('web-inquiry')).toEqual({});
    expect(rules('gone')).toBeUndefined();
  });
});
