import { CHANNELS, type Channel } from './cadence-schema.ts';
import { SPEED_COUNTERS, type SpeedCounter, type SpeedToLead, speedToLead } from './speed-to-lead.ts';
import {
  type ExperimentRules,
  type HoldoutFigures,
  holdoutFigures,
  type StepWinner,
  type VariantFigures,
  variantFigures,
  winners,
} from './variant-report.ts';

/*
 * The seed's "measuring your follow-up effectiveness" as pure maths over the aggregate counters
 * (docs/architecture.md §5.3): response rate by touch number, conversion rate from follow-up, average touches to
 * close, revenue recovered; and, from the reply reader (#14), positive-reply rate by touch number and meetings per
 * 100 enrolled.
 *
 * The counters are kept on write, per cadence × month × touch number, where the touch number n is the lead's n-th
 * touch (its touch count once the touch went out: "80% of sales close on contact 5–12" counts contacts, whatever
 * cadence made them). What a lead does (a reply, a deal, an opt-out) counts for the last touch before it. Every count
 * is filed under the month of the lead's first touch, its cohort: a month's figures are those of the leads first
 * contacted that month, whenever their later touches and answers came, so rates and conversion compare like with
 * like and never exceed 100%. Deals also count in the month they were won (the `closed` slot), for revenue per
 * month. Months are UTC.
 */

const TOUCH_COUNTERS = [
  'sent',
  'sentEmail',
  'sentSms',
  'sentCall',
  'sentTask',
  /** Enrollments whose first touch this was. */
  'entered',
  /** Enrollments in which this touch was the first after which their lead had had 2 touches. */
  'reachedTwo',
  'skipped',
  'failed',
  /** Leads whose first answer (a reply, a meeting, a purchase) came after this touch. */
  'replies',
  /** Of those, replies in words read as interested, a question or a meeting (rows written before it read 0). */
  'positiveReplies',
  'meetings',
  'won',
  'revenue',
  'lost',
  'unsubscribes',
  'bounces',
  'complaints',
  /** `closed` slot only: deals won after the lead's 2nd or later touch, and their value. */
  'wonAfterTwo',
  'revenueRecovered',
] as const;
/** `holdout` slot only: a cadence's leads per arm at their first touch, and each arm's deals (variant.ts). */
const HOLDOUT_COUNTERS = [
  'heldOut',
  'heldOutWon',
  'heldOutRevenue',
  'treated',
  'treatedWon',
  'treatedRevenue',
] as const;
/** `speed` slot only: enrollments per delay bucket, to the first touch and to the first task done (speed-to-lead.ts). */
export type Counter = (typeof TOUCH_COUNTERS)[number] | (typeof HOLDOUT_COUNTERS)[number] | SpeedCounter;
export const COUNTERS: readonly Counter[] = [...TOUCH_COUNTERS, ...HOLDOUT_COUNTERS, ...SPEED_COUNTERS];
export type Counts = Readonly<Record<Counter, number>>;

/**
 * The n-th touch (0: before the lead's first touch), the deals closed in the month, the speed-to-lead histograms
 * of one owner (`speed`, with `owner`), one step's variant (`variant`, with `owner` = "<step>/<variant>"), or a
 * cadence's holdout arms (`holdout`).
 */
export type AggregateSlot = number | 'closed' | 'speed' | 'variant' | 'holdout';

export interface AggregateRow {
  readonly cadenceId: string;
  /** yyyy-mm, UTC: the month of the leads' first touch (the `closed` slot: the month deals were won). */
  readonly month: string;
  readonly slot: AggregateSlot;
  /** `speed` rows only: the leads' owner ("" for none), so speed is read per rep without a row per lead. */
  readonly owner?: string;
  readonly counts: Partial<Counts>;
}

export const SENT_COUNTER: Readonly<Record<Channel, Counter>> = {
  email: 'sentEmail',
  sms: 'sentSms',
  call: 'sentCall',
  task: 'sentTask',
};

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const isMonth = (value: string): boolean => MONTH.test(value);

/** The UTC month of an instant: "2026-03". */
export function monthOf(instant: string | Date): string {
  return new Date(instant).toISOString().slice(0, 7);
}

export interface TouchReport {
  /** The lead's n-th touch. */
  readonly touch: number;
  readonly sent: number;
  readonly replies: number;
  /** replies / sent; null when nothing was sent at this touch. */
  readonly responseRate: number | null;
  /** Replies read as interested, a question or a meeting: a subset of `replies`. */
  readonly positiveReplies: number;
  /** positiveReplies / sent; null when nothing was sent at this touch. */
  readonly positiveReplyRate: number | null;
  readonly sentByChannel: Readonly<Record<Channel, number>>;
  /** Due but not sent (no consent, quiet hours, suppressed, frequency cap): the lead's n-th touch came later. */
  readonly skipped: number;
  readonly failed: number;
  readonly meetings: number;
  readonly won: number;
  readonly revenue: number;
  readonly lost: number;
  readonly unsubscribes: number;
  readonly bounces: number;
  readonly complaints: number;
}

export interface MonthRevenue {
  /** The month the deals were won. */
  readonly month: string;
  readonly won: number;
  readonly revenue: number;
  /** Of which won after the 2nd or later touch. */
  readonly revenueRecovered: number;
}

export interface ReportFigures {
  readonly byTouch: readonly TouchReport[];
  /**
   * Leads that got a touch. Overall each lead counts once (its 1st touch); per cadence, each enrollment the cadence
   * touched counts (a lead moved on to nurture counts there too).
   */
  readonly leadsContacted: number;
  /** Leads that got at least 2 touches (per cadence: enrollments whose lead had had 2 touches). */
  readonly leadsWithTwoTouches: number;
  /** Leads that answered after a touch (reply, meeting or purchase; once per lead). */
  readonly replies: number;
  /** replies / leadsContacted. */
  readonly responseRate: number | null;
  /** Leads whose reply was read as interested, a question or a meeting (once per lead, like `replies`). */
  readonly positiveReplies: number;
  /** positiveReplies / leadsContacted. */
  readonly positiveReplyRate: number | null;
  /**
   * Meetings after a touch per 100 enrolled, where "enrolled" is what the counters can vouch for: leads contacted
   * (enrollments that got their first touch; an enrollment that never sent a touch is not counted). Null when none.
   */
  readonly meetingsPer100Enrolled: number | null;
  readonly won: number;
  readonly wonAfterTwoTouches: number;
  /** Leads that needed ≥ 2 touches and then won / leads that got ≥ 2 touches. */
  readonly conversionRate: number | null;
  /** The mean of the lead's touch count when it was won. */
  readonly avgTouchesToClose: number | null;
  /** The value of every deal won, as recorded (in the deal's own currency: amounts are not converted). */
  readonly revenue: number;
  /** The value of deals won after the 2nd or later touch. */
  readonly revenueRecovered: number;
  readonly funnel: { readonly contacted: number; readonly replied: number; readonly won: number };
  readonly totals: {
    readonly sent: number;
    readonly sentByChannel: Readonly<Record<Channel, number>>;
    readonly skipped: number;
    readonly failed: number;
    readonly meetings: number;
    readonly lost: number;
    readonly unsubscribes: number;
    readonly bounces: number;
    readonly complaints: number;
  };
  /** What leads did before any touch reached them (a purchase within the hour): not follow-up results. */
  readonly beforeFirstTouch: { readonly replies: number; readonly won: number; readonly revenue: number };
  /** Deals by the month they were won. */
  readonly revenueByMonth: readonly MonthRevenue[];
}

export interface CadenceReport extends ReportFigures {
  readonly cadence: string;
  /** The cadence's holdout: present only for a cadence that has one (§5.3). */
  readonly holdout?: HoldoutFigures;
}

export interface Report extends ReportFigures {
  /** The months asked for (yyyy-mm, inclusive: leads first contacted in them), null when open. */
  readonly since: string | null;
  readonly until: string | null;
  /** The months with data in the range. */
  readonly months: readonly string[];
  readonly cadences: readonly CadenceReport[];
  /** Arrival to first touch and to first task done, p50/p95 as histogram bucket bounds, per cadence and per owner. */
  readonly speedToLead: SpeedToLead;
  /** Each step variant's figures; present only when a cadence has variants, so other reports read as before. */
  readonly byVariant?: readonly VariantFigures[];
  /** The variants a test declared better (P(best) ≥ 0.95 on the cadence's `decideOn`). */
  readonly winners?: readonly StepWinner[];
  /** Every holdout's arms added up; present only when a cadence has a holdout (each cadence's is on it). */
  readonly holdout?: HoldoutFigures;
}

export interface ReportOptions {
  readonly since?: string;
  readonly until?: string;
  /** Only these cadences (default: every cadence with data). */
  readonly cadences?: readonly string[];
  /** A cadence's `decideOn` and `autoPromote` (default: positiveReplies, no promotion). */
  readonly experiments?: (cadence: string) => ExperimentRules | undefined;
}

const zero = (): Record<Counter, number> =>
  Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>;

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

const byChannel = (counts: Counts): Record<Channel, number> =>
  Object.fromEntries(CHANNELS.map((channel) => [channel, counts[SENT_COUNTER[channel]]])) as Record<
    Channel,
    number
  >;

/** Adds rows that share a cadence, a month and a slot (simulation shards, pages). */
export function mergeRows(rows: readonly AggregateRow[]): AggregateRow[] {
  const merged = new Map<string, { row: AggregateRow; counts: Record<Counter, number> }>();
  for (const row of rows) {
    const key = `${row.cadenceId}\u0000${row.month}\u0000${row.slot}\u0000${row.owner ?? ''}`;
    let entry = merged.get(key);
    if (!entry) {
      entry = { row, counts: zero() };
      merged.set(key, entry);
    }
    for (const counter of COUNTERS) entry.counts[counter] += row.counts[counter] ?? 0;
  }
  return [...merged.values()].map(({ row, counts }) => ({ ...row, counts }));
}

/**
 * The figures of `rows`; `scope` says how leads are counted: "overall" counts each lead by its 1st and 2nd
 * touches, "cadence" counts the enrollments the cadence touched.
 */
function figures(rows: readonly AggregateRow[], scope: 'overall' | 'cadence'): ReportFigures {
  const touches = new Map<number, Record<Counter, number>>();
  const closed = new Map<string, Record<Counter, number>>();
  // A held-out lead is never touched, by design: its deal counts as a deal, not as one closed at no touch (§5.3).
  let heldOutWon = 0;
  for (const row of rows) {
    if (row.slot === 'holdout') heldOutWon += row.counts.heldOutWon ?? 0;
    if (typeof row.slot === 'string' && row.slot !== 'closed') continue;
    const target =
      row.slot === 'closed'
        ? (closed.get(row.month) ?? closed.set(row.month, zero()).get(row.month))
        : (touches.get(row.slot) ?? touches.set(row.slot, zero()).get(row.slot));
    for (const counter of COUNTERS) (target as Record<Counter, number>)[counter] += row.counts[counter] ?? 0;
  }
  const at = (n: number): Counts => touches.get(n) ?? zero();
  const numbered = [...touches.keys()].filter((n) => n >= 1).sort((a, b) => a - b);
  const sum = (counter: Counter, from = 1) =>
    numbered.filter((n) => n >= from).reduce((total, n) => total + at(n)[counter], 0);

  const byTouch = numbered.map((n): TouchReport => {
    const c = at(n);
    return {
      touch: n,
      sent: c.sent,
      replies: c.replies,
      responseRate: ratio(c.replies, c.sent),
      positiveReplies: c.positiveReplies,
      positiveReplyRate: ratio(c.positiveReplies, c.sent),
      sentByChannel: byChannel(c),
      skipped: c.skipped,
      failed: c.failed,
      meetings: c.meetings,
      won: c.won,
      revenue: c.revenue,
      lost: c.lost,
      unsubscribes: c.unsubscribes,
      bounces: c.bounces,
      complaints: c.complaints,
    };
  });

  const leadsContacted = scope === 'overall' ? at(1).sent : sum('entered');
  const leadsWithTwoTouches = scope === 'overall' ? at(2).sent : sum('reachedTwo');
  const before = at(0);
  const replies = sum('replies');
  const positiveReplies = sum('positiveReplies');
  const per100 = ratio(100 * sum('meetings'), leadsContacted);
  const won = sum('won') + before.won;
  const wonAfterTwoTouches = sum('won', 2);
  const touchesAtClose = numbered.reduce((total, n) => total + n * at(n).won, 0);
  const channels = Object.fromEntries(
    CHANNELS.map((channel) => [channel, sum(SENT_COUNTER[channel])]),
  ) as Record<Channel, number>;
  return {
    byTouch,
    leadsContacted,
    leadsWithTwoTouches,
    replies,
    responseRate: ratio(replies, leadsContacted),
    positiveReplies,
    positiveReplyRate: ratio(positiveReplies, leadsContacted),
    meetingsPer100Enrolled: per100,
    won,
    wonAfterTwoTouches,
    conversionRate: ratio(wonAfterTwoTouches, leadsWithTwoTouches),
    avgTouchesToClose: ratio(touchesAtClose, won - heldOutWon),
    revenue: sum('revenue') + before.revenue,
    revenueRecovered: sum('revenue', 2),
    funnel: { contacted: leadsContacted, replied: replies, won: sum('won') },
    totals: {
      sent: sum('sent'),
      sentByChannel: channels,
      skipped: sum('skipped'),
      failed: sum('failed'),
      meetings: sum('meetings') + before.meetings,
      lost: sum('lost') + before.lost,
      unsubscribes: sum('unsubscribes') + before.unsubscribes,
      bounces: sum('bounces') + before.bounces,
      complaints: sum('complaints') + before.complaints,
    },
    beforeFirstTouch: { replies: before.replies, won: before.won, revenue: before.revenue },
    revenueByMonth: [...closed.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([month, c]) => ({ month, won: c.won, revenue: c.revenue, revenueRecovered: c.revenueRecovered })),
  };
}

/** The report of the rows in the months and cadences asked for, overall and per cadence. */
export function buildReport(rows: readonly AggregateRow[], options: ReportOptions = {}): Report {
  const { since, until } = options;
  const wanted = options.cadences ? new Set(options.cadences) : undefined;
  const kept = mergeRows(rows).filter(
    (row) =>
      (!since || row.month >= since) &&
      (!until || row.month <= until) &&
      (!wanted || wanted.has(row.cadenceId)),
  );
  const cadenceIds = [...new Set(kept.map((row) => row.cadenceId))].sort();
  const rules = options.experiments ?? (() => undefined);
  const byVariant = variantFigures(kept, rules);
  const holdout = holdoutFigures(kept);
  const experiments = {
    ...(byVariant.length > 0 ? { byVariant, winners: winners(byVariant, rules) } : {}),
    ...(holdout ? { holdout } : {}),
  };
  return {
    since: since ?? null,
    until: until ?? null,
    months: [...new Set(kept.map((row) => row.month))].sort(),
    ...figures(kept, 'overall'),
    cadences: cadenceIds.map((cadence) => {
      const own = kept.filter((row) => row.cadenceId === cadence);
      const held = holdoutFigures(own);
      return { cadence, ...figures(own, 'cadence'), ...(held ? { holdout: held } : {}) };
    }),
    speedToLead: speedToLead(kept.filter((row) => row.slot === 'speed')),
    ...experiments,
  };
}
