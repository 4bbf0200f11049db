import type { Channel } from '../core/cadence-schema.ts';
import { type Counter, monthOf, SENT_COUNTER } from '../core/report.ts';
import { bucketOf, type SpeedMeasure, speedCounter } from '../core/speed-to-lead.ts';
import { assertUnreachable } from '../core/unreachable.ts';
import { isHeldOut } from '../core/variant.ts';
import type { Lead, LeadStatus } from './lead.ts';
import type { CadenceCatalog, ContactRecorded, LeadStore, Logger } from './ports.ts';
import { variantsAnswered } from './promotion-credit.ts';
import type { AggregateKey, Aggregates, MarkedEnrollment, MetricName, MetricSink } from './report-ports.ts';
import type { ReadingLabel, Signal } from './signal-schema.ts';

/*
 * What the touch and the signals count (docs/architecture.md §5.3): the aggregates the report reads and the
 * metrics CloudWatch graphs and alarms on. Each count is written once: a touch counts after its claim (a retry finds
 * the claim and counts nothing), a signal inside its idempotent once (a duplicate delivery counts nothing). A
 * failure to count is logged and never fails the send or the signal it measures.
 */

/** The CloudWatch namespace of the business metrics. */
export const METRIC_NAMESPACE = 'Followup';

export interface MeasureDeps {
  /** The report's counters; absent where no report is kept (unit tests of other concerns). */
  readonly aggregates?: Aggregates;
  /** CloudWatch metrics; absent off Lambda. */
  readonly metrics?: MetricSink;
  readonly logger: Logger;
}

/**
 * A signal's measures also need the cadences, to credit the variants and holdout arm its lead had (absent: neither),
 * and in an autoPromote cadence the lead's touch records, which say which variant each step sent (absent: its pick).
 */
export type SignalMeasureDeps = MeasureDeps & {
  readonly cadences?: CadenceCatalog;
  readonly store?: Pick<LeadStore, 'getTouch'>;
};

type Additions = Partial<Record<Counter, number>>;

async function safely(deps: MeasureDeps, leadId: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    deps.logger.error('metrics-write-failed', { leadId, error: (error as Error)?.name ?? typeof error });
  }
}

export interface SentTouch {
  readonly leadId: string;
  readonly cadenceId: string;
  readonly enrollmentId: string;
  readonly channel: Channel;
  readonly at: string;
  /** The lead's owner: speed to lead is also counted per owner ("" for a lead with none: the default owner's). */
  readonly owner?: string;
  /** The step's variant the touch sent, on a step with `variants`. */
  readonly variant?: { readonly step: string; readonly id: string };
}

/** Why a held-out lead's touch did not go out: it is in the cadence's control group (§5.3). */
export const HELD_OUT = 'holdout';

/** The `variant` row of a step's variant: its sub-key is `<step>/<variant>`. */
const variantKey = (cadenceId: string, cohortAt: string, step: string, variant: string): AggregateKey => ({
  cadenceId,
  month: monthOf(cohortAt),
  slot: 'variant',
  owner: `${step}/${variant}`,
});

/** A cadence's holdout row, in the month the lead was created: both arms and their conversions, per cohort. */
const holdoutKey = (cadenceId: string, createdAt: string): AggregateKey => ({
  cadenceId,
  month: monthOf(createdAt),
  slot: 'holdout',
});

export interface ArmLead {
  readonly leadId: string;
  readonly cadenceId: string;
  readonly createdAt: string;
}

/** The first touch of a cadence with a holdout counts its lead in its arm, once (after the touch's claim). */
export async function measureArm(
  deps: MeasureDeps,
  lead: ArmLead,
  arm: 'heldOut' | 'treated',
): Promise<void> {
  const { aggregates } = deps;
  if (!aggregates) return;
  await safely(deps, lead.leadId, () =>
    aggregates.add(holdoutKey(lead.cadenceId, lead.createdAt), { [arm]: 1 }),
  );
}

/**
 * Whether speed to lead is timed for the enrollment: it is how the lead arrived (a signup, an import row, a cart, a
 * referral), not a continuation — a cadence's `then` or a snooze's re-engage starts on a schedule, not on an arrival.
 */
export const isArrival = (enrollment: MarkedEnrollment) =>
  !enrollment.source.startsWith('cadence:') && !enrollment.source.startsWith('signal:');

/** The counter a delay from the enrollment's start to `at` adds to, in its cohort's `speed` row of the owner. */
function speedCount(
  measure: SpeedMeasure,
  enrollment: MarkedEnrollment,
  at: string,
  cohortAt: string,
  owner: string | undefined,
): { key: AggregateKey; counts: Additions } {
  const delay = Date.parse(at) - Date.parse(enrollment.enrolledAt);
  return {
    key: { cadenceId: enrollment.cadenceId, month: monthOf(cohortAt), slot: 'speed', owner: owner ?? '' },
    counts: { [speedCounter(measure, bucketOf(delay))]: 1 },
  };
}

/** A touch went out; `recorded` is what recording it on the lead returned (its touch number), if that worked. */
export async function measureSent(
  deps: MeasureDeps,
  touch: SentTouch,
  recorded: ContactRecorded | undefined,
): Promise<void> {
  deps.metrics?.add('TouchesSent', 1, { channel: touch.channel });
  const { aggregates } = deps;
  if (!aggregates || !recorded) return;
  await safely(deps, touch.leadId, async () => {
    const n = recorded.touchCount;
    // The lead's touch before this one was this enrollment's: it was not the first, and its lead had had 2
    // touches already unless this is the 2nd. Otherwise (its first touch, or cadences taking turns) the
    // enrollment's own marks decide.
    const follows = recorded.previousEnrollmentId === touch.enrollmentId;
    const marks =
      follows && n !== 2
        ? { first: false, reachedTwo: false }
        : await aggregates.markEnrollment(touch.leadId, touch.enrollmentId, touch.at, { reachedTwo: n >= 2 });
    await aggregates.add(
      { cadenceId: touch.cadenceId, month: monthOf(recorded.firstContactAt), slot: n },
      {
        sent: 1,
        [SENT_COUNTER[touch.channel]]: 1,
        ...(marks.first ? { entered: 1 } : {}),
        ...(marks.reachedTwo ? { reachedTwo: 1 } : {}),
      },
    );
    if (touch.variant) {
      const { step, id } = touch.variant;
      await aggregates.add(variantKey(touch.cadenceId, recorded.firstContactAt, step, id), { sent: 1 });
    }
    // Timed once per enrollment: only the call that set its first mark gets the enrollment back.
    if (marks.enrollment && isArrival(marks.enrollment)) {
      const speed = speedCount(
        'firstTouch',
        marks.enrollment,
        touch.at,
        recorded.firstContactAt,
        touch.owner,
      );
      await aggregates.add(speed.key, speed.counts);
    }
  });
}

export interface DoneTask {
  readonly leadId: string;
  readonly enrollmentId: string;
  /** When the rep marked it done: the first evidence the human touch happened. */
  readonly at: string;
  readonly owner?: string;
  /** The lead's first touch (its cohort); the task's own instant when unknown. */
  readonly cohortAt?: string;
}

/**
 * A rep marked a task done (called from inside the task's once, docs/architecture.md §4.2): the enrollment's first
 * human touch, timed from its start, is counted once per enrollment however many of its tasks are done.
 */
export async function measureHumanTouch(deps: MeasureDeps, task: DoneTask): Promise<void> {
  const { aggregates } = deps;
  if (!aggregates) return;
  await safely(deps, task.leadId, async () => {
    const enrollment = await aggregates.markHumanTouch(task.leadId, task.enrollmentId, task.at);
    if (!enrollment || !isArrival(enrollment)) return;
    const speed = speedCount('humanTouch', enrollment, task.at, task.cohortAt ?? task.at, task.owner);
    await aggregates.add(speed.key, speed.counts);
  });
}

export interface UnsentTouch {
  readonly leadId: string;
  readonly cadenceId: string;
  /** The lead's first touch; this touch's instant if it has had none. */
  readonly cohortAt: string;
  /** The lead's touch count before this touch: it would have been touch n + 1. */
  readonly touchCount: number;
}

/** A touch was due and did not go out: skipped (consent, quiet hours, suppression, the cap) or failed for good. */
export async function measureUnsent(
  deps: MeasureDeps,
  touch: UnsentTouch,
  outcome: 'skipped' | 'failed',
): Promise<void> {
  deps.metrics?.add(outcome === 'skipped' ? 'Skipped' : 'TouchFailures', 1);
  const { aggregates } = deps;
  if (!aggregates) return;
  await safely(deps, touch.leadId, () =>
    aggregates.add(
      { cadenceId: touch.cadenceId, month: monthOf(touch.cohortAt), slot: touch.touchCount + 1 },
      { [outcome]: 1 },
    ),
  );
}

/** Statuses of a lead that has not answered yet: moving from one to an answer is its first response. */
const UNANSWERED: ReadonlySet<LeadStatus> = new Set(['active', 'nurture', 'snoozed', 'lost']);
const ANSWERED: ReadonlySet<LeadStatus> = new Set(['replied', 'meeting', 'referred', 'won']);

/** Readings that are a yes or on the way to one; `unsure` is for a person to decide, so it is not counted. */
const POSITIVE: ReadonlySet<ReadingLabel> = new Set(['interested', 'question', 'meeting']);

/** A reply in words the reader read as positive (docs/architecture.md §4.3). */
const isPositive = (signal: Signal) =>
  (signal.type === 'reply' || signal.type === 'sms-reply') &&
  signal.reading !== undefined &&
  POSITIVE.has(signal.reading.label);

/** The status change a signal made, as applySignal saw it in its once. */
export interface SignalChange {
  readonly signal: Signal;
  /** The lead before the signal. */
  readonly before: Lead;
  /** The lead after it. */
  readonly lead: Lead;
  /** The status it changed from, when it changed it. */
  readonly from?: LeadStatus;
}

/** What a signal adds to the counters of the lead's last touch: nothing for most signals. */
export function signalCounts(change: SignalChange): Additions {
  const { signal, before, lead, from } = change;
  const counts: Additions = {};
  if (from !== undefined && from !== lead.status) {
    const to = lead.status;
    // A person's reply is a response whatever it was read as: a not-now or a no answered too (#14).
    const inWords = signal.type === 'reply' || signal.type === 'sms-reply';
    if (UNANSWERED.has(from) && (ANSWERED.has(to) || inWords)) {
      counts.replies = 1;
      if (inWords && isPositive(signal) && (to === 'replied' || to === 'meeting')) counts.positiveReplies = 1;
    }
    switch (to) {
      case 'meeting':
        counts.meetings = 1;
        break;
      case 'won':
        counts.won = 1;
        counts.revenue = lead.dealValue ?? 0;
        break;
      case 'lost':
        counts.lost = 1;
        break;
      case 'unsubscribed':
        counts.unsubscribes = 1;
        break;
      case 'bounced':
        counts.bounces = 1;
        break;
      case 'complained':
        counts.complaints = 1;
        break;
      case 'active':
      case 'referred':
      case 'replied':
      case 'snoozed':
      case 'nurture':
        break;
      default:
        assertUnreachable(to);
    }
  }
  // STOP changes no status: it is an opt-out when it took a consent away.
  if (signal.type === 'sms-stop' && before.smsConsent && !lead.smsConsent) counts.unsubscribes = 1;
  return counts;
}

const METRIC_OF: Partial<Record<Counter, MetricName>> = {
  replies: 'Replies',
  meetings: 'Meetings',
  won: 'Conversions',
  lost: 'Lost',
  unsubscribes: 'Unsubscribes',
  bounces: 'Bounces',
  complaints: 'Complaints',
};

/**
 * Counts what a signal did for the lead's last touch (its cadence and number, the lead's month), and a won deal in
 * the month it was won. `activeCadence` finds a cadence for a lead no touch has reached yet (a purchase within the hour).
 */
export async function measureSignal(
  deps: SignalMeasureDeps,
  change: SignalChange,
  activeCadence: () => Promise<string | undefined>,
): Promise<void> {
  const counts = signalCounts(change);
  if (Object.keys(counts).length === 0) return;
  const { lead, signal } = change;
  const n = lead.touchCount;
  for (const [counter, metric] of Object.entries(METRIC_OF) as [Counter, MetricName][]) {
    if (counts[counter]) deps.metrics?.add(metric, counts[counter]);
  }
  const value = counts.revenue ?? 0;
  if (counts.won && n >= 2) deps.metrics?.add('RevenueRecovered', value);
  const { aggregates } = deps;
  if (!aggregates) return;
  await safely(deps, lead.leadId, async () => {
    const cadenceId = lead.lastCadence ?? (await activeCadence());
    if (!cadenceId) {
      deps.logger.info('metrics-unattributed', { leadId: lead.leadId, type: signal.type });
      return;
    }
    const cohort = lead.firstContactAt ?? lead.lastContactAt ?? signal.at;
    const key: AggregateKey = { cadenceId, month: monthOf(cohort), slot: n };
    await aggregates.add(key, counts);
    if (counts.won) {
      await aggregates.add(
        { cadenceId, month: monthOf(signal.at), slot: 'closed' },
        { won: 1, revenue: value, ...(n >= 2 ? { wonAfterTwo: 1, revenueRecovered: value } : {}) },
      );
    }
    await measureExperiments(deps, lead, cadenceId, cohort, counts);
  });
}

/** What an answer counts for a variant: the decision metrics (§5.3). */
const VARIANT_COUNTERS = ['replies', 'positiveReplies', 'meetings', 'won'] as const;

/**
 * Credits an answer to the variants its lead had been sent in the cadence of its last touch (promotion-credit.ts),
 * and a deal to the lead's holdout arm.
 */
async function measureExperiments(
  deps: SignalMeasureDeps,
  lead: Lead,
  cadenceId: string,
  cohort: string,
  counts: Additions,
): Promise<void> {
  const { aggregates, cadences } = deps;
  if (!aggregates || !cadences) return;
  const credit = Object.fromEntries(
    VARIANT_COUNTERS.filter((c) => counts[c]).map((c) => [c, counts[c] as number]),
  ) as Additions;
  if (Object.keys(credit).length === 0) return;
  const cadence = await cadences.get(cadenceId);
  if (!cadence) return;
  if (cadence.holdout && counts.won) {
    const arm = isHeldOut(cadence, lead.leadId) ? 'heldOut' : 'treated';
    await aggregates.add(holdoutKey(cadenceId, lead.createdAt), {
      [`${arm}Won`]: 1,
      [`${arm}Revenue`]: counts.revenue ?? 0,
    });
  }
  if (lead.lastCadence !== cadenceId || !lead.lastTemplate) return;
  for (const { step, variant } of await variantsAnswered(deps, cadence, lead))
    await aggregates.add(variantKey(cadenceId, cohort, step, variant), credit);
}
