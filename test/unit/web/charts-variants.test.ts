import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../functions/core/report.ts';
import { followUpCharts, holdoutChart, variantChart } from '../../../web/charts.ts';
import { structureProblems, textOf } from '../../support/html-check.ts';

/* The dashboard's experiment charts: every variant as a point on its interval, and the holdout's lift. */

const REPORT = buildReport([
  { cadenceId: 'ab', month: '2026-03', slot: 1, counts: { sent: 3200, entered: 3200, replies: 224 } },
  {
    cadenceId: 'ab',
    month: '2026-03',
    slot: 'variant',
    owner: 'first/a',
    counts: { sent: 1600, positiveReplies: 80 },
  },
  {
    cadenceId: 'ab',
    month: '2026-03',
    slot: 'variant',
    owner: 'first/b',
    counts: { sent: 1600, positiveReplies: 144 },
  },
  {
    cadenceId: 'ab',
    month: '2026-03',
    slot: 'holdout',
    counts: { heldOut: 800, heldOutWon: 40, treated: 3200, treatedWon: 320 },
  },
]);

const whiskers = (svg: string) =>
  [...svg.matchAll(/<line class="whisker( best)?" x1="([\d.]+)" x2="([\d.]+)"/g)].map((m) => ({
    best: m[1] !== undefined,
    width: Number(m[3]) - Number(m[2]),
  }));

describe('variantChart', () => {
  it('draws each variant as a point on its interval line, the winner marked, with the numbers in a table', () => {
    // Act
    const chart = String(variantChart(REPORT.byVariant ?? []));
    // Assess
    const lines = whiskers(chart);
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.best)).toEqual([false, true]);
    expect(lines.every((l) => l.width > 0)).toBe(true);
    expect(chart.match(/<circle class="point/g)).toHaveLength(2);
    expect(textOf(chart)).toContain('first · b');
    expect(textOf(chart)).toMatch(/P\(best\) 100%/);
  });

  it('draws nothing without variants or a holdout, so a dashboard without experiments is as before', () => {
    // Assess
    expect(String(variantChart([]))).toBe('');
    expect(String(holdoutChart(undefined))).toBe('');
  });
});

describe('holdoutChart', () => {
  it('shows treated against held-out conversion on their intervals and states the lift with its interval', () => {
    // Act
    const chart = String(holdoutChart(REPORT.holdout));
    // Assess
    expect(whiskers(chart)).toHaveLength(2);
    expect(textOf(chart)).toContain('Lift: 5.0 points (95%');
    expect(textOf(chart)).toContain('320/3,200');
  });

  it('is part of the follow-up results, and the page stays well-formed', () => {
    // Act
    const body = String(followUpCharts(REPORT));
    // Assess
    expect(body).toContain('chart-variants-title');
    expect(body).toContain('chart-holdout-title');
    expect(structureProblems(body)).toEqual([]);
  });
});
