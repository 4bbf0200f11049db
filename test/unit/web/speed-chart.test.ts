import { describe, expect, it } from 'vitest';
import { type AggregateRow, buildReport } from '../../../functions/core/report.ts';
import { renderDashboard } from '../../../web/dashboard.ts';
import { speedSummary, speedToLeadChart } from '../../../web/speed-chart.ts';
import { documentProblems, textOf } from '../../support/html-check.ts';
import { dashboard, XSS } from '../../support/web-fixtures.ts';

/* The dashboard's speed-to-lead chart: drawn from the report's histogram, bucket bounds said as such. */

const ROWS: AggregateRow[] = [
  { cadenceId: 'web-inquiry', month: '2026-12', slot: 1, counts: { sent: 10, entered: 10 } },
  {
    cadenceId: 'web-inquiry',
    month: '2026-12',
    slot: 'speed',
    owner: 'ana@northwind.example',
    counts: { speedFirst1m: 9, speedFirst4h: 1, speedHuman15m: 2, speedHuman24h: 2 },
  },
  { cadenceId: 'web-inquiry', month: '2026-12', slot: 'speed', owner: XSS, counts: { speedHumanMore: 1 } },
];

const bars = (markup: string, cls: string) =>
  [...markup.matchAll(new RegExp(`<rect class="bar ${cls}"[^>]*height="([0-9.]+)"`, 'g'))].map((m) =>
    Number(m[1]),
  );

describe('speedToLeadChart', () => {
  it('draws one bar per bucket and measure, each as tall as its share of the measure’s leads', () => {
    // Prepare
    const { speedToLead } = buildReport(ROWS);

    // Act
    const chart = speedToLeadChart(speedToLead).value;

    // Assess: 9 of 10 first touches within a minute; the human touches 2/5, 2/5, 1/5.
    const first = bars(chart, 'first');
    const human = bars(chart, 'human');
    expect(first).toHaveLength(8);
    expect(human).toHaveLength(8);
    expect(first[0]).toBeCloseTo(9 * (first[4] ?? 0), 0);
    expect(human[2]).toBe(human[5]);
    expect(human[2]).toBeCloseTo(2 * (human[7] ?? 0), 0);
    const text = textOf(chart);
    expect(text).toContain('first touch: p50 ≤ 1 min, p95 ≤ 4 h, 90% within 1 h, of 10 leads');
    expect(text).toContain('first task done: p50 ≤ 24 h, p95 > 3 d');
    expect(text).toContain('not exact times');
    expect(chart).not.toContain('<script>');
  });

  it('lists each cadence and each rep with their p50 and p95', () => {
    // Act
    const text = textOf(speedToLeadChart(buildReport(ROWS).speedToLead).value);

    // Assess
    expect(text).toMatch(/Cadence web-inquiry\s*10\s*≤ 1 min\s*≤ 4 h\s*5\s*≤ 24 h\s*> 3 d/);
    expect(text).toMatch(/Rep ana@northwind\.example\s*10/);
  });

  it('draws nothing before any lead was timed, and says so in the summary', () => {
    const { speedToLead } = buildReport([]);
    expect(speedToLeadChart(speedToLead).value).toBe('');
    expect(speedSummary(speedToLead.firstTouch)).toBe('none timed yet');
  });

  it('is on the dashboard among the follow-up results', () => {
    // Act
    const page = renderDashboard(dashboard({ followUp: buildReport(ROWS) }));

    // Assess
    expect(documentProblems(page)).toEqual([]);
    const section = page.slice(page.indexOf('id="results-h"'), page.indexOf('id="leads-h"'));
    expect(textOf(section)).toContain('Speed to lead');
  });
});
