import { describe, expect, it } from 'vitest';
import {
  compactAmount,
  FEW_SENDS,
  funnelChart,
  niceScale,
  responseRateChart,
  revenueChart,
} from '../../../web/charts.ts';
import { renderDashboard } from '../../../web/dashboard.ts';
import type { FollowUpFigures } from '../../../web/model.ts';
import { blockContaining, documentProblems, textOf } from '../../support/html-check.ts';
import { dashboard } from '../../support/web-fixtures.ts';

/* The dashboard's follow-up charts: drawn on the server, readable, and true to the numbers. */

const FIGURES: FollowUpFigures = {
  byTouch: [
    { touch: 1, sent: 1000, replies: 81, positiveReplies: 50 },
    { touch: 2, sent: 900, replies: 54, positiveReplies: 27 },
    { touch: 3, sent: 820, replies: 41, positiveReplies: 20 },
    { touch: 4, sent: 12, replies: 3, positiveReplies: 1 },
  ],
  funnel: { contacted: 1000, replied: 179, won: 88 },
  revenueByMonth: [
    { month: '2026-03', revenue: 30000, revenueRecovered: 21000 },
    { month: '2026-04', revenue: 58000, revenueRecovered: 46000 },
  ],
  conversionRate: 0.064,
  avgTouchesToClose: 2.4,
  revenueRecovered: 67000,
  positiveReplyRate: 0.098,
  meetingsPer100Enrolled: 4.2,
};

interface Bar {
  readonly height: number;
  readonly width: number;
  readonly cls: string;
  readonly title: string;
}

/** What a sighted reader sees: the text without the hover titles and the description for screen readers. */
const visible = (svg: string) => textOf(svg.replace(/<(title|desc)\b[^>]*>[^<]*<\/\1>/g, ''));

const bars = (svg: string): Bar[] =>
  [
    ...svg.matchAll(
      /<rect class="([^"]*)" x="[^"]*" y="[^"]*" width="([^"]*)" height="([^"]*)"><title>([^<]*)<\/title>/g,
    ),
  ].map((m) => ({ cls: m[1] ?? '', width: Number(m[2]), height: Number(m[3]), title: textOf(m[4] ?? '') }));

describe('the response-rate chart', () => {
  it('draws one bar per touch, as tall as its rate, with the rate above and replies/sent under it', () => {
    // Act
    const svg = responseRateChart(FIGURES.byTouch).value;

    // Assess
    const drawn = bars(svg);
    expect(drawn.map((b) => b.title)).toEqual([
      'Touch 1: 81 replies of 1,000 sent (8.1%)',
      'Touch 2: 54 replies of 900 sent (6.0%)',
      'Touch 3: 41 replies of 820 sent (5.0%)',
      'Touch 4: 3 replies of 12 sent (25%)',
    ]);
    // Heights are proportional to the rates: the axis starts at zero.
    const perRate = (drawn[0]?.height ?? 0) / 0.081;
    FIGURES.byTouch.forEach((t, i) => {
      expect(drawn[i]?.height).toBeCloseTo((t.replies / t.sent) * perRate, 0);
    });
    const text = visible(svg);
    for (const label of [
      '8.1%',
      '81/1,000',
      '54/900',
      '41/820',
      '3/12',
      'Touch number',
      'Response rate',
      '0%',
    ]) {
      expect(text).toContain(label);
    }
  });

  it('fades the bars of touches with few sends and says why', () => {
    // Act
    const svg = responseRateChart(FIGURES.byTouch).value;

    // Assess
    expect(bars(svg).map((b) => b.cls)).toEqual(['bar', 'bar', 'bar', 'bar few']);
    expect(textOf(svg)).toContain(`fewer than ${FEW_SENDS} sends`);
  });

  it('lists the numbers behind it in a table', () => {
    const table = blockContaining(responseRateChart(FIGURES.byTouch).value, 'details', 'data', 'The numbers');
    expect(table === undefined ? '' : textOf(table)).toContain('1 1,000 81 8.1%');
  });

  it('lists the positive replies of each touch beside its replies (#14)', () => {
    const table = blockContaining(responseRateChart(FIGURES.byTouch).value, 'details', 'data', 'The numbers');
    const text = table === undefined ? '' : textOf(table);
    expect(text).toContain('Positive replies Positive rate');
    expect(text).toContain('1 1,000 81 8.1% 50 5.0%');
    expect(text).toContain('2 900 54 6.0% 27 3.0%');
  });
});

describe('the funnel', () => {
  it('draws contacted, replied and won on one scale from zero, each with its share of the step before', () => {
    // Act
    const svg = funnelChart(FIGURES.funnel).value;

    // Assess
    const [contacted, replied, won] = bars(svg);
    expect((replied?.width ?? 0) / (contacted?.width ?? 1)).toBeCloseTo(0.179, 2);
    expect((won?.width ?? 0) / (contacted?.width ?? 1)).toBeCloseTo(0.088, 2);
    const text = visible(svg);
    expect(text).toContain('Replied 179 18% of contacted');
    expect(text).toContain('Won 88 49% of replied');
  });
});

describe('the revenue chart', () => {
  it('stacks the revenue recovered after the 2nd touch under the rest, month by month', () => {
    // Act
    const svg = revenueChart(FIGURES.revenueByMonth).value;

    // Assess
    const drawn = bars(svg);
    expect(drawn.map((b) => b.title)).toEqual([
      'Mar 26: 21,000 recovered after the 2nd or later touch',
      'Mar 26: 9,000 won at the first touch or before',
      'Apr 26: 46,000 recovered after the 2nd or later touch',
      'Apr 26: 12,000 won at the first touch or before',
    ]);
    // One scale: April's recovered bar is 46/21 of March's.
    expect((drawn[2]?.height ?? 0) / (drawn[0]?.height ?? 1)).toBeCloseTo(46 / 21, 1);
    expect(textOf(svg)).toContain('21k');
    expect(textOf(svg)).toContain('46k');
  });
});

describe('the dashboard', () => {
  it('shows the headline figures and the three charts in a well-formed page', () => {
    // Act
    const page = renderDashboard(dashboard({ followUp: FIGURES }));

    // Assess
    expect(documentProblems(page)).toEqual([]);
    const section = page.slice(page.indexOf('id="results-h"'), page.indexOf('id="leads-h"'));
    const text = textOf(section);
    for (const title of [
      'Response rate by touch number',
      'From first touch to deal',
      'Revenue recovered per month',
    ]) {
      expect(text).toContain(title);
    }
    expect(text).toContain('6.4% Conversion from follow-up');
    expect(text).toContain('2.4 Touches to close');
    expect(text).toContain('67,000 Revenue recovered');
    expect(text).toContain('9.8% Positive replies');
    expect(text).toContain('4.2 Meetings per 100 enrolled');
    expect(page).not.toContain('<script src');
  });

  it('shows a dash, not a zero, for figures with no leads behind them', () => {
    const page = renderDashboard(
      dashboard({ followUp: { ...FIGURES, positiveReplyRate: null, meetingsPer100Enrolled: null } }),
    );
    const text = textOf(page);
    expect(text).toContain('— Positive replies');
    expect(text).toContain('— Meetings per 100 enrolled');
  });

  it('says what will appear before any touch is counted', () => {
    const page = renderDashboard(dashboard());
    expect(textOf(page)).toContain('No touches counted yet');
    expect(documentProblems(page)).toEqual([]);
  });
});

describe('scales and labels', () => {
  it('rounds an axis top up to 1, 2 or 5 times a power of ten', () => {
    expect(niceScale(0.081)).toEqual({ top: 0.1, step: 0.05 });
    expect(niceScale(0.3)).toEqual({ top: 0.3, step: 0.1 });
    expect(niceScale(58000)).toEqual({ top: 60000, step: 20000 });
    expect(niceScale(0)).toEqual({ top: 1, step: 0.25 });
  });

  it('writes amounts compactly for ticks', () => {
    expect([950, 1200, 34000, 1_500_000].map(compactAmount)).toEqual(['950', '1.2k', '34k', '1.5M']);
  });
});
