import { html, type SafeHtml } from '../functions/core/html.ts';
import type { SpeedFigures, SpeedToLead, SpeedToLeadFigures } from '../functions/core/speed-to-lead.ts';
import { formatNumber } from './format.ts';

/*
 * Speed to lead (#15) as a picture: for each delay bucket, the share of leads first touched in it and the share whose
 * first human touch (a task marked done) came in it, side by side, on one axis from zero. p50 and p95 are the buckets
 * they fall in, never exact times: the counters keep a histogram (docs/architecture.md §5.3).
 */

const percent = (rate: number) => `${Math.round(rate * 100)}%`;
const bound = (f: SpeedFigures, p: 'p50' | 'p95') => f[p]?.label ?? '—';
const round = (n: number) => Math.round(n * 10) / 10;

/** "p50 ≤ 1 min, p95 ≤ 15 min, 92% within 1 h, of 120 leads", or why there is nothing. */
export function speedSummary(f: SpeedFigures): string {
  if (f.leads === 0) return 'none timed yet';
  const hour = f.withinHourRate === null ? '' : `, ${percent(f.withinHourRate)} within 1 h`;
  return `p50 ${bound(f, 'p50')}, p95 ${bound(f, 'p95')}${hour}, of ${formatNumber(f.leads)} leads`;
}

const rowOf = (scope: string, f: SpeedToLeadFigures) => [
  scope,
  formatNumber(f.firstTouch.leads),
  bound(f.firstTouch, 'p50'),
  bound(f.firstTouch, 'p95'),
  formatNumber(f.humanTouch.leads),
  bound(f.humanTouch, 'p50'),
  bound(f.humanTouch, 'p95'),
];

function table(rows: readonly (readonly string[])[]): SafeHtml {
  const head = ['', 'First touch: leads', 'p50', 'p95', 'Task done: leads', 'p50', 'p95'];
  return html`<details class="data"><summary>By cadence and by rep</summary><div class="table-wrap"><table>
<thead><tr>${head.map((h, i) => html`<th scope="col"${i > 0 ? html` class="num"` : ''}>${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((cell, i) => (i === 0 ? html`<th scope="row">${cell}</th>` : html`<td class="num">${cell}</td>`))}</tr>`)}</tbody>
</table></div></details>`;
}

/** The chart; nothing when no lead was timed. */
export function speedToLeadChart(speed: SpeedToLead | undefined, id = 'chart-speed'): SafeHtml {
  if (!speed || (speed.firstTouch.leads === 0 && speed.humanTouch.leads === 0)) return html``;
  const frame = { width: 440, height: 250, left: 46, right: 6, top: 20, bottom: 46 };
  const plot = { w: frame.width - frame.left - frame.right, h: frame.height - frame.top - frame.bottom };
  const series = [
    { cls: 'first', name: 'first touch', f: speed.firstTouch },
    { cls: 'human', name: 'first task done', f: speed.humanTouch },
  ] as const;
  const share = (f: SpeedFigures, i: number) => (f.leads > 0 ? (f.histogram[i]?.leads ?? 0) / f.leads : 0);
  const slot = plot.w / speed.buckets.length;
  const barWidth = Math.min(22, slot * 0.4);
  const base = frame.top + plot.h;
  const bars = speed.buckets.map((label, i) => {
    const x0 = frame.left + slot * i + (slot - 2 * barWidth) / 2;
    const pair = series.map((s, k) => {
      const rate = share(s.f, i);
      const h = round(rate * plot.h);
      return html`<rect class="bar ${s.cls}" x="${round(x0 + k * barWidth)}" y="${round(base - h)}" width="${round(barWidth)}" height="${h}"><title>${label}: ${percent(rate)} of leads' ${s.name} (${formatNumber(s.f.histogram[i]?.leads ?? 0)})</title></rect>`;
    });
    return html`<g>${pair}<text class="tick" x="${round(frame.left + slot * i + slot / 2)}" y="${base + 16}" text-anchor="middle">${label}</text></g>`;
  });
  const grid = [0, 0.25, 0.5, 0.75, 1].map((v) => {
    const y = round(base - v * plot.h);
    return html`<line class="${v === 0 ? 'axis' : 'grid'}" x1="${frame.left}" x2="${frame.width - frame.right}" y1="${y}" y2="${y}"></line><text class="tick" x="${frame.left - 6}" y="${y + 4}" text-anchor="end">${percent(v)}</text>`;
  });
  return html`<figure class="chart">
<h3 id="${id}-title">Speed to lead</h3>
<svg viewBox="0 0 ${frame.width} ${frame.height}" role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc">
<desc id="${id}-desc">Bars per delay bucket from a lead's arrival: the share of leads whose first touch came within it, and the share whose first task was marked done within it. First touch: ${speedSummary(speed.firstTouch)}. First task done: ${speedSummary(speed.humanTouch)}.</desc>
${grid}
${bars}
<text class="axis-label" x="${frame.left + plot.w / 2}" y="${frame.height - 4}" text-anchor="middle">Time from arrival</text>
</svg>
<figcaption><span class="legend first"></span>first touch: ${speedSummary(speed.firstTouch)} <span class="legend human"></span>first task done: ${speedSummary(speed.humanTouch)}. Arrival is the start of the enrollment a lead came in by; p50 and p95 are the bucket they fall in, not exact times.</figcaption>
${table([
  rowOf('All', speed),
  ...speed.byCadence.map((c) => rowOf(`Cadence ${c.cadence}`, c)),
  ...speed.byOwner.map((o) => rowOf(`Rep ${o.owner || '(default owner)'}`, o)),
])}
</figure>`;
}
