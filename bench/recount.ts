import type { Report } from '../functions/core/report.ts';
import type { LeadHistory } from '../local/simulate/index.ts';

/*
 * The report recounted from every lead's stored touches, replies and wins: an oracle for the aggregates the engine
 * keeps (docs/architecture.md §5.3), which production's report reads instead. Used by bench/run.ts and the simulate
 * tests; not by the product.
 */

export interface ResponseByTouch {
  /** The lead's n-th sent touch, across the cadence and what follows it. */
  readonly touch: number;
  readonly sent: number;
  /** Replies whose last touch before them was this one. */
  readonly replies: number;
  readonly responseRate: number;
}

export interface RecountedReport {
  readonly byTouch: readonly ResponseByTouch[];
  readonly replies: number;
  readonly won: number;
  /** Leads won after their 2nd or later touch, over leads that got at least 2 touches; null when none did. */
  readonly conversionRate: number | null;
  /** Mean number of touches a won lead had received when it replied; null when no lead was won. */
  readonly avgTouchesToClose: number | null;
  /** Value of deals won after the 2nd or later touch. */
  readonly revenueRecovered: number;
}

/** Whether the report has the figures of a recount of `histories`: per touch sent and replies, wins, conversion, revenue. */
export function agreesWithRecount(report: Report, histories: readonly LeadHistory[]): boolean {
  const figures = (r: Report | RecountedReport) => ({
    byTouch: r.byTouch.map((t) => [t.touch, t.sent, t.replies]),
    replies: r.replies,
    won: r.won,
    conversionRate: r.conversionRate,
    avgTouchesToClose: r.avgTouchesToClose,
    revenueRecovered: r.revenueRecovered,
  });
  return JSON.stringify(figures(report)) === JSON.stringify(figures(recountReport(histories)));
}

/**
 * Response rate by touch number (a reply counts for the last touch sent before it), conversion from follow-up,
 * average touches to close and revenue recovered (deals won after the 2nd or later touch).
 */
export function recountReport(histories: readonly LeadHistory[]): RecountedReport {
  const sent = new Map<number, number>();
  const replied = new Map<number, number>();
  let replies = 0;
  let won = 0;
  let withTwo = 0;
  let wonAfterTwo = 0;
  let touchesToClose = 0;
  let revenueRecovered = 0;
  for (const history of histories) {
    // Instants as numbers: the handlers do not all spell them alike ("…:00Z", "…:00.000Z").
    const sentAt = history.touches
      .filter((t) => t.status === 'sent')
      .map((t) => Date.parse(t.at))
      .sort((a, b) => a - b);
    sentAt.forEach((_, i) => {
      sent.set(i + 1, (sent.get(i + 1) ?? 0) + 1);
    });
    if (sentAt.length >= 2) withTwo++;
    const touchNumber = (at: number) => sentAt.filter((s) => s <= at).length;
    const replyTouches = history.replies
      .map((r) => Date.parse(r.at))
      .sort((a, b) => a - b)
      .map((at) => ({ at, touch: touchNumber(at) }));
    for (const { touch } of replyTouches) {
      replies++;
      replied.set(touch, (replied.get(touch) ?? 0) + 1);
    }
    for (const win of history.wins) {
      // A win closes the reply before it: the touches it took are those before that reply.
      const wonAt = Date.parse(win.at);
      const touch = replyTouches.filter((r) => r.at <= wonAt).at(-1)?.touch ?? touchNumber(wonAt);
      won++;
      touchesToClose += touch;
      if (touch >= 2) {
        wonAfterTwo++;
        revenueRecovered += win.value;
      }
    }
  }
  const byTouch = [...sent.entries()]
    .sort(([a], [b]) => a - b)
    .map(([touch, count]) => {
      const r = replied.get(touch) ?? 0;
      return { touch, sent: count, replies: r, responseRate: r / count };
    });
  return {
    byTouch,
    replies,
    won,
    conversionRate: withTwo === 0 ? null : wonAfterTwo / withTwo,
    avgTouchesToClose: won === 0 ? null : touchesToClose / won,
    revenueRecovered,
  };
}
