import { html, raw, type SafeHtml } from '../functions/core/html.ts';
import { WINNER_PROBABILITY, wilson } from '../functions/core/stats.ts';
import type { HoldoutFigures, VariantFigures } from '../functions/core/variant-report.ts';
import { formatNumber } from './format.ts';
import type { FollowUpFigures } from './model.ts';
import { speedToLeadChart } from './speed-chart.ts';

/*
 * The follow-up measures as pictures, drawn on the server as inline SVG (no script, no chart library): response rate
 * by touch number, the funnel from contacted to won, and revenue recovered per month. Honest by construction: every
 * axis starts at zero, every bar carries its count next to its rate, and rates from a handful of sends are marked.
 */

/** Below this many sends a rate is shown, but faded and footnoted: it is mostly noise. */
export const FEW_SENDS = 20;

/** The charts' stylesheet, for the page head. */
export const CHART_STYLES = raw(`
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 1.25rem; }
.chart { margin: 0; }
.chart h3 { margin: 0 0 .25rem; }
.chart svg { display: block; width: 100%; height: auto; overflow: visible; }
.chart text { fill: var(--text); font-size: 13px; font-family: inherit; }
.chart .axis-label, .chart .tick { fill: var(--muted); }
.chart .value { font-weight: 600; }
.chart .count { fill: var(--muted); font-size: 12px; }
.chart .value.recovered { fill: var(--good); }
.chart .axis { stroke: var(--muted); stroke-width: 1; }
.chart .grid { stroke: var(--border); stroke-width: 1; }
.chart .bar { fill: var(--accent); }
.chart .bar.few { fill-opacity: .35; }
.chart .bar.other { fill: var(--muted); fill-opacity: .35; }
.chart .bar.won { fill: var(--good); }
.chart figcaption, .chart .note { color: var(--muted); font-size: .85rem; margin-top: .25rem; }
.chart details { font-size: .9rem; margin-top: .25rem; }
.chart .legend { display: inline-block; width: .7rem; height: .7rem; border-radius: 2px; margin: 0 .3rem 0 .6rem; vertical-align: -1px; }
.chart .legend.recovered { background: var(--good); }
.chart .legend.other { background: color-mix(in srgb, var(--muted) 35%, transparent); }
.chart .bar.human { fill: var(--good); }
.chart .legend.first { background: var(--accent); }
.chart .legend.human { background: var(--good); }
.chart .whisker { stroke: var(--accent); stroke-width: 2; }
.chart .whisker.best { stroke: var(--good); }
.chart .point { fill: var(--accent); }
.chart .point.best { fill: var(--good); }
`);

const percent = (rate: number) => `${(rate * 100).toFixed(rate > 0 && rate < 0.1 ? 1 : 0)}%`;
const count = (n: number) => formatNumber(n);

/** A round top for an axis from 0 and its tick step: 1, 2 or 5 × a power of ten, about `ticks` ticks. */
export function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.25 };
  const rough = max / ticks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power) as number;
  // toPrecision: 3 × 0.1 is 0.30000000000000004 in floating point.
  return { top: Number((Math.ceil(max / step - 1e-9) * step).toPrecision(12)), step };
}

const round = (n: number) => Math.round(n * 10) / 10;

interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** Horizontal grid lines with their labels, the y axis from 0 to `top`. */
function yAxis(frame: Frame, top: number, step: number, label: (v: number) => string): SafeHtml {
  const plot = frame.height - frame.top - frame.bottom;
  const lines: SafeHtml[] = [];
  for (let v = 0; v <= top + step / 2; v += step) {
    const y = round(frame.top + plot - (v / top) * plot);
    lines.push(
      html`<line class="${v === 0 ? 'axis' : 'grid'}" x1="${frame.left}" x2="${frame.width - frame.right}" y1="${y}" y2="${y}"></line><text class="tick" x="${frame.left - 6}" y="${y + 4}" text-anchor="end">${label(v)}</text>`,
    );
  }
  return html`${lines}<line class="axis" x1="${frame.left}" x2="${frame.left}" y1="${frame.top}" y2="${frame.height - frame.bottom}"></line>`;
}

export interface TouchBar {
  readonly touch: number;
  readonly sent: number;
  readonly replies: number;
  /** Replies read as interested, a question or a meeting; shown in the numbers beside each reply count. */
  readonly positiveReplies?: number;
}

/** Response rate by touch number: one bar per touch, its rate above it and replies/sent under its label. */
export function responseRateChart(touches: readonly TouchBar[], id = 'chart-response'): SafeHtml {
  const bars = touches.filter((t) => t.sent > 0);
  if (bars.length === 0) return html``;
  const frame: Frame = { width: 440, height: 250, left: 54, right: 6, top: 24, bottom: 60 };
  const rates = bars.map((t) => t.replies / t.sent);
  const { top, step } = niceScale(Math.max(...rates));
  const plot = { w: frame.width - frame.left - frame.right, h: frame.height - frame.top - frame.bottom };
  const slot = plot.w / bars.length;
  const barWidth = Math.min(56, slot * 0.7);
  const few = bars.some((t) => t.sent < FEW_SENDS);
  const drawn = bars.map((t, i) => {
    const rate = t.replies / t.sent;
    const h = round((rate / top) * plot.h);
    const x = round(frame.left + slot * i + (slot - barWidth) / 2);
    const y = round(frame.top + plot.h - h);
    const cx = round(x + barWidth / 2);
    const base = frame.height - frame.bottom;
    return html`<g><rect class="bar${t.sent < FEW_SENDS ? ' few' : ''}" x="${x}" y="${y}" width="${round(barWidth)}" height="${h}"><title>Touch ${t.touch}: ${count(t.replies)} replies of ${count(t.sent)} sent (${percent(rate)})</title></rect><text class="value" x="${cx}" y="${y - 6}" text-anchor="middle">${percent(rate)}</text><text x="${cx}" y="${base + 16}" text-anchor="middle">${t.touch}</text><text class="count" x="${cx}" y="${base + 30}" text-anchor="middle">${count(t.replies)}/${count(t.sent)}</text></g>`;
  });
  return html`<figure class="chart">
<h3 id="${id}-title">Response rate by touch number</h3>
<svg viewBox="0 0 ${frame.width} ${frame.height}" role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc">
<desc id="${id}-desc">Bars: the share of leads that answered after their n-th touch, replies over touches sent, for touches ${bars[0]?.touch} to ${bars.at(-1)?.touch}.</desc>
${yAxis(frame, top, step, (v) => `${(v * 100).toFixed(step < 0.01 ? 1 : 0)}%`)}
${drawn}
<text class="axis-label" x="${frame.left + plot.w / 2}" y="${frame.height - 4}" text-anchor="middle">Touch number (replies/sent under each)</text>
<text class="axis-label" transform="rotate(-90)" x="${-(frame.top + plot.h / 2)}" y="12" text-anchor="middle">Response rate</text>
</svg>
<figcaption>A reply counts for the last touch before it.${few ? ` Faded bars: fewer than ${FEW_SENDS} sends, too few for a steady rate.` : ''}</figcaption>
${dataTable(
  ['Touch', 'Sent', 'Replies', 'Response rate', 'Positive replies', 'Positive rate'],
  bars.map((t) => [
    String(t.touch),
    count(t.sent),
    count(t.replies),
    percent(t.replies / t.sent),
    count(t.positiveReplies ?? 0),
    percent((t.positiveReplies ?? 0) / t.sent),
  ]),
)}
</figure>`;
}

export interface Funnel {
  readonly contacted: number;
  readonly replied: number;
  readonly won: number;
}

/** Contacted → replied → won: bars on one scale from 0, each with its count and its share of the step before. */
export function funnelChart(funnel: Funnel, id = 'chart-funnel'): SafeHtml {
  if (funnel.contacted === 0) return html``;
  const frame = { width: 440, height: 156, label: 84, right: 130 };
  const plotWidth = frame.width - frame.label - frame.right;
  const steps = [
    { label: 'Contacted', value: funnel.contacted, note: 'got a touch' },
    {
      label: 'Replied',
      value: funnel.replied,
      note: `${percent(funnel.replied / funnel.contacted)} of contacted`,
    },
    {
      label: 'Won',
      value: funnel.won,
      note:
        funnel.replied > 0
          ? `${percent(funnel.won / funnel.replied)} of replied`
          : `${percent(funnel.won / funnel.contacted)} of contacted`,
    },
  ];
  const rows = steps.map((s, i) => {
    const y = 12 + i * 48;
    const w = round(Math.max(0, (s.value / funnel.contacted) * plotWidth));
    return html`<g><text x="${frame.label - 8}" y="${y + 20}" text-anchor="end">${s.label}</text><rect class="bar${s.label === 'Won' ? ' won' : ''}" x="${frame.label}" y="${y}" width="${w}" height="30"><title>${s.label}: ${count(s.value)} (${s.note})</title></rect><text class="value" x="${frame.label + w + 8}" y="${y + 14}">${count(s.value)}</text><text class="count" x="${frame.label + w + 8}" y="${y + 28}">${s.note}</text></g>`;
  });
  return html`<figure class="chart">
<h3 id="${id}-title">From first touch to deal</h3>
<svg viewBox="0 0 ${frame.width} ${frame.height}" role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc">
<desc id="${id}-desc">${count(funnel.contacted)} leads contacted, ${count(funnel.replied)} replied, ${count(funnel.won)} won.</desc>
<line class="axis" x1="${frame.label}" x2="${frame.label}" y1="4" y2="${frame.height - 4}"></line>
${rows}
</svg>
<figcaption>Leads, each counted once. Bar lengths share one scale starting at zero.</figcaption>
</figure>`;
}

export interface MonthRevenueBar {
  readonly month: string;
  readonly revenue: number;
  readonly revenueRecovered: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const monthLabel = (month: string) =>
  `${MONTHS[Number(month.slice(5, 7)) - 1] ?? month} ${month.slice(2, 4)}`;

/** Compact amounts for tick labels: 950, 1.2k, 34k, 1.5M. */
export function compactAmount(n: number): string {
  if (n >= 1_000_000) return `${formatNumber(Math.round(n / 100_000) / 10)}M`;
  if (n >= 1_000) return `${formatNumber(Math.round(n / 100) / 10)}k`;
  return formatNumber(n);
}

/** Revenue per month won: the part recovered after the 2nd or later touch, and the rest stacked above it. */
export function revenueChart(months: readonly MonthRevenueBar[], id = 'chart-revenue'): SafeHtml {
  const shown = months.filter((m) => m.revenue > 0).slice(-12);
  if (shown.length === 0) return html``;
  const frame: Frame = { width: 440, height: 250, left: 56, right: 6, top: 24, bottom: 40 };
  const { top, step } = niceScale(Math.max(...shown.map((m) => m.revenue)));
  const plot = { w: frame.width - frame.left - frame.right, h: frame.height - frame.top - frame.bottom };
  const slot = plot.w / shown.length;
  const barWidth = Math.min(56, slot * 0.7);
  const drawn = shown.map((m, i) => {
    const x = round(frame.left + slot * i + (slot - barWidth) / 2);
    const cx = round(x + barWidth / 2);
    const base = frame.top + plot.h;
    const recoveredH = round((m.revenueRecovered / top) * plot.h);
    const otherH = round(((m.revenue - m.revenueRecovered) / top) * plot.h);
    return html`<g><rect class="bar won" x="${x}" y="${round(base - recoveredH)}" width="${round(barWidth)}" height="${recoveredH}"><title>${monthLabel(m.month)}: ${formatNumber(m.revenueRecovered)} recovered after the 2nd or later touch</title></rect><rect class="bar other" x="${x}" y="${round(base - recoveredH - otherH)}" width="${round(barWidth)}" height="${otherH}"><title>${monthLabel(m.month)}: ${formatNumber(m.revenue - m.revenueRecovered)} won at the first touch or before</title></rect><text class="value recovered" x="${cx}" y="${round(base - recoveredH - otherH - 6)}" text-anchor="middle">${compactAmount(m.revenueRecovered)}</text><text x="${cx}" y="${base + 16}" text-anchor="middle">${monthLabel(m.month)}</text></g>`;
  });
  return html`<figure class="chart">
<h3 id="${id}-title">Revenue recovered per month</h3>
<svg viewBox="0 0 ${frame.width} ${frame.height}" role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc">
<desc id="${id}-desc">Bars by the month deals were won: the value won after the 2nd or later touch, with the rest of the month's deals above it.</desc>
${yAxis(frame, top, step, compactAmount)}
${drawn}
<text class="axis-label" transform="rotate(-90)" x="${-(frame.top + plot.h / 2)}" y="12" text-anchor="middle">Deal value</text>
</svg>
<figcaption><span class="legend recovered"></span>recovered, the number above each bar: won after the 2nd or later touch <span class="legend other"></span>won at the 1st touch or before. By the month deals were won.</figcaption>
${dataTable(
  ['Month', 'Recovered', 'All deals'],
  shown.map((m) => [monthLabel(m.month), formatNumber(m.revenueRecovered), formatNumber(m.revenue)]),
)}
</figure>`;
}

function dataTable(head: readonly string[], rows: readonly (readonly string[])[]): SafeHtml {
  return html`<details class="data"><summary>The numbers</summary><div class="table-wrap"><table>
<thead><tr>${head.map((h, i) => html`<th scope="col"${i > 0 ? html` class="num"` : ''}>${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((cell, i) => (i === 0 ? html`<th scope="row">${cell}</th>` : html`<td class="num">${cell}</td>`))}</tr>`)}</tbody>
</table></div></details>`;
}

function headline(f: FollowUpFigures): SafeHtml {
  const rate = (r: number | null) => (r === null ? '—' : percent(r));
  return html`<div class="cards">
<div class="stat"><span class="value">${rate(f.conversionRate)}</span><span class="label">Conversion from follow-up</span><br><small>won after 2+ touches / leads with 2+ touches</small></div>
<div class="stat"><span class="value">${f.avgTouchesToClose === null ? '—' : f.avgTouchesToClose.toFixed(1)}</span><span class="label">Touches to close</span><br><small>mean touch count of won leads</small></div>
<div class="stat"><span class="value" title="${formatNumber(f.revenueRecovered)}">${f.revenueRecovered >= 100_000 ? compactAmount(f.revenueRecovered) : formatNumber(f.revenueRecovered)}</span><span class="label">Revenue recovered</span><br><small>won after the 2nd or later touch</small></div>
<div class="stat"><span class="value">${rate(f.positiveReplyRate)}</span><span class="label">Positive replies</span><br><small>read as interested, a question or a meeting / leads contacted</small></div>
<div class="stat"><span class="value">${f.meetingsPer100Enrolled === null ? '—' : f.meetingsPer100Enrolled.toFixed(1)}</span><span class="label">Meetings per 100 enrolled</span><br><small>meetings booked per 100 leads contacted</small></div>
</div>`;
}

/** The dashboard's "Follow-up results" section body: headline figures and the three charts. */
export function followUpCharts(f: FollowUpFigures | undefined): SafeHtml {
  if (!f || f.funnel.contacted === 0) {
    return html`<p class="empty">No touches counted yet. As touches go out and leads answer, this shows the response rate of each touch, the funnel to a deal and the revenue follow-up recovered (also: <code>npx followup report</code>).</p>`;
  }
  return html`${headline(f)}
<div class="charts">
${responseRateChart(f.byTouch)}
${funnelChart(f.funnel)}
${revenueChart(f.revenueByMonth)}
${speedToLeadChart(f.speedToLead)}
${variantChart(f.byVariant ?? [], f.promotions)}
${holdoutChart(f.holdout)}
</div>`;
}

interface IntervalRow {
  readonly label: string;
  readonly rate: number | null;
  readonly low: number;
  readonly high: number;
  readonly note: string;
  readonly best: boolean;
  readonly title: string;
}

/** Rates as points on their 95% intervals, one row each, on one axis from 0: the spread is as visible as the point. */
function intervalRows(rows: readonly IntervalRow[], id: string): SafeHtml {
  const frame = { width: 440, left: 130, right: 70, top: 10, row: 30 };
  const height = frame.top + rows.length * frame.row + 30;
  const { top, step } = niceScale(Math.max(...rows.map((r) => r.high), 0.01));
  const plotW = frame.width - frame.left - frame.right;
  const x = (v: number) => round(frame.left + (v / top) * plotW);
  const ticks: SafeHtml[] = [];
  for (let v = 0; v <= top + step / 2; v += step) {
    ticks.push(
      html`<line class="${v === 0 ? 'axis' : 'grid'}" x1="${x(v)}" x2="${x(v)}" y1="${frame.top}" y2="${height - 24}"></line><text class="tick" x="${x(v)}" y="${height - 8}" text-anchor="middle">${percent(v)}</text>`,
    );
  }
  const drawn = rows.map((r, i) => {
    const y = round(frame.top + i * frame.row + frame.row / 2);
    const cls = r.best ? ' best' : '';
    return html`<g><title>${r.title}</title><text x="${frame.left - 8}" y="${y + 4}" text-anchor="end">${r.label}</text><line class="whisker${cls}" x1="${x(r.low)}" x2="${x(r.high)}" y1="${y}" y2="${y}"></line>${r.rate === null ? '' : html`<circle class="point${cls}" cx="${x(r.rate)}" cy="${y}" r="5"></circle>`}<text class="count" x="${frame.width - frame.right + 6}" y="${y + 4}">${r.note}</text></g>`;
  });
  return html`<svg viewBox="0 0 ${frame.width} ${height}" role="img" aria-labelledby="${id}-title">${ticks}${drawn}</svg>`;
}

/**
 * Each step's variants: the decision rate per touch sent as a point on its 95% Wilson interval, and P(best); then
 * what autoPromote switched, a sentence each.
 */
export function variantChart(
  variants: readonly VariantFigures[],
  promotions: readonly string[] = [],
  id = 'chart-variants',
): SafeHtml {
  const promoted = promotions.map((line) => html`<p class="note">${line}</p>`);
  if (variants.length === 0) {
    return promotions.length === 0
      ? html``
      : html`<figure class="chart">
<h3 id="${id}-title">Step variants</h3>
${promoted}
</figure>`;
  }
  const rows = variants.map(
    (v): IntervalRow => ({
      label: `${v.step} · ${v.variant}`,
      rate: v.rate,
      low: v.rateLow,
      high: v.rateHigh,
      note: `P(best) ${percent(v.probabilityBest)}`,
      best: v.probabilityBest >= WINNER_PROBABILITY,
      title: `${v.step}, variant ${v.variant}: ${count(v.sent)} sent, ${v.rate === null ? 'no rate yet' : percent(v.rate)} ${v.decideOn} (95% ${percent(v.rateLow)}–${percent(v.rateHigh)})`,
    }),
  );
  return html`<figure class="chart">
<h3 id="${id}-title">Step variants</h3>
${intervalRows(rows, id)}
<figcaption>Dots: ${variants[0]?.decideOn} per touch sent; lines: 95% intervals. Green: best with probability ≥ ${percent(WINNER_PROBABILITY)}; promote it with <code>followup cadence promote</code>.</figcaption>
${promoted}
${dataTable(
  ['Variant', 'Sent', 'Replies', 'Positive', 'Meetings', 'Wins', 'Rate', '95% interval', 'P(best)'],
  variants.map((v) => [
    `${v.cadence} · ${v.step} · ${v.variant}`,
    count(v.sent),
    count(v.replies),
    count(v.positiveReplies),
    count(v.meetings),
    count(v.wins),
    v.rate === null ? '—' : percent(v.rate),
    `${percent(v.rateLow)}–${percent(v.rateHigh)}`,
    percent(v.probabilityBest),
  ]),
)}
</figure>`;
}

/** Treated against held-out conversion, each on its 95% Wilson interval, and the lift with its interval. */
export function holdoutChart(holdout: HoldoutFigures | undefined, id = 'chart-holdout'): SafeHtml {
  if (!holdout) return html``;
  const arm = (label: string, won: number, leads: number): IntervalRow => {
    const interval = wilson(won, leads);
    return {
      label,
      rate: leads > 0 ? won / leads : null,
      low: interval.low,
      high: interval.high,
      note: `${count(won)}/${count(leads)}`,
      best: false,
      title: `${label}: ${count(won)} conversions of ${count(leads)} leads`,
    };
  };
  const lift =
    holdout.lift === null
      ? 'Lift: not yet measurable (both groups need leads).'
      : `Lift: ${(holdout.lift * 100).toFixed(1)} points (95% ${((holdout.liftLow ?? 0) * 100).toFixed(1)} to ${((holdout.liftHigh ?? 0) * 100).toFixed(1)}).`;
  return html`<figure class="chart">
<h3 id="${id}-title">Holdout: what the follow-up caused</h3>
${intervalRows([arm('treated', holdout.treatedConversions, holdout.treatedLeads), arm('held out', holdout.conversions, holdout.leads)], id)}
<figcaption>Conversion rate of leads sent to against held-out leads (enrolled, never sent to). ${lift}</figcaption>
</figure>`;
}
