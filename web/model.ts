import type { Channel } from '../functions/core/cadence-schema.ts';
import type { SpeedToLead } from '../functions/core/speed-to-lead.ts';
import type { HoldoutFigures, VariantFigures } from '../functions/core/variant-report.ts';
import type { LeadStatus } from '../functions/domain/lead.ts';
import type { EnrollmentStatus, TouchStatus } from '../functions/domain/ports.ts';

/*
 * What the pages of the local runtime show, as plain data: the HTTP server reads the store (the LeadReads port) and
 * fills these in, the renderers only format them. The words are the domain's; the shapes are the pages'. All times
 * are ISO 8601 strings; `now` comes in so rendering needs no clock.
 */

export type { Channel, LeadStatus };

export interface LeadRow {
  readonly id: string;
  readonly email: string;
  readonly name?: string;
  readonly company?: string;
  /** E.164. */
  readonly phone?: string;
  readonly status: LeadStatus;
  /** The rep who owns the lead. */
  readonly owner?: string;
  /** IANA zone; times about this lead are shown in it. */
  readonly zone?: string;
  /** The cadence the lead is (or was last) enrolled in. */
  readonly cadence?: string;
  readonly lastContactAt?: string;
  readonly lastChannel?: Channel;
  readonly nextTouchAt?: string;
  readonly touchCount: number;
  readonly createdAt: string;
  /** When SMS consent was given; absent without consent. */
  readonly smsConsentAt?: string;
  readonly dealValue?: number;
  /** What the reply reader made of the lead's last answer (#14). */
  readonly reading?: ReadingRow;
}

export interface ReadingRow {
  readonly label: string;
  readonly confidence: number;
  readonly cue: string;
  readonly at: string;
}

/** An open call or manual task a cadence created for a rep. */
export interface TaskRow {
  readonly leadId: string;
  readonly leadName: string;
  readonly title: string;
  /** The rendered call script or task instructions, plain text. */
  readonly script: string;
  readonly channel: 'call' | 'task';
  readonly dueAt: string;
  readonly createdAt: string;
  /** The lead's zone: the due time is shown in it. */
  readonly zone?: string;
}

export interface SmsRow {
  readonly to: string;
  readonly body: string;
  readonly at: string;
}

export interface EmailRow {
  readonly to: string;
  readonly subject: string;
  readonly at: string;
}

/** A cadence's figures from the report's counters (docs/architecture.md §5.3): what it did, never a recount. */
export interface CadenceStats {
  readonly cadence: string;
  /** Enrollments the cadence touched at least once. */
  readonly contacted: number;
  readonly touchesSent: number;
  readonly replies: number;
  readonly won: number;
}

/** The whole engine's figures for the summary: the leads listed, and the report's counts. */
export interface DashboardTotals {
  readonly leads: number;
  readonly touchesSent: number;
  /** Leads that answered after a touch (a reply, a meeting or a purchase). */
  readonly replied: number;
  readonly won: number;
  readonly revenue: number;
}

/** Which page of leads the dashboard shows, and the links to its neighbours. */
export interface LeadsPaging {
  /** The search the page is filtered by (email or company). */
  readonly search?: string;
  /** Only leads whose reply was read today with this label (`?reading=`). */
  readonly reading?: string;
  /** The query string of the next page; absent on the last. */
  readonly next?: string;
  /** The query string of the previous page ('' for the first); absent on the first. */
  readonly previous?: string;
  /** Why the page shown is the first one, when a link asked for another. */
  readonly notice?: string;
}

/** The follow-up measures the charts draw, as `followup report` computes them from the aggregates. */
export interface FollowUpFigures {
  readonly byTouch: readonly {
    readonly touch: number;
    readonly sent: number;
    readonly replies: number;
    /** Replies read as interested, a question or a meeting. */
    readonly positiveReplies: number;
  }[];
  readonly funnel: { readonly contacted: number; readonly replied: number; readonly won: number };
  /** By the month deals were won. */
  readonly revenueByMonth: readonly {
    readonly month: string;
    readonly revenue: number;
    readonly revenueRecovered: number;
  }[];
  /** Leads that needed ≥ 2 touches and then won / leads that got ≥ 2 touches; null when none got 2. */
  readonly conversionRate: number | null;
  readonly avgTouchesToClose: number | null;
  readonly revenueRecovered: number;
  /** Positive replies / leads contacted; null when none was contacted. */
  readonly positiveReplyRate: number | null;
  /** Meetings per 100 leads contacted (enrollments that got their first touch). */
  readonly meetingsPer100Enrolled: number | null;
  /** Arrival to first touch and to first task done, as histogram buckets (absent from an older report). */
  readonly speedToLead?: SpeedToLead;
  /** Each step variant with its rate's interval (absent without variants: functions/core/variant-report.ts). */
  readonly byVariant?: readonly VariantFigures[];
  /** What autoPromote switched and is in force, a sentence each (absent: none, docs/architecture.md §2.4). */
  readonly promotions?: readonly string[];
  /** Treated against held-out leads (absent without a holdout). */
  readonly holdout?: HoldoutFigures;
}

/** An enrollment whose execution has not started: its start failed and is retried, or it was given up. */
export interface UnstartedRow {
  readonly leadId: string;
  readonly leadName: string;
  readonly cadenceId: string;
  /** `retrying`: the sweeper tries again at `retryAt`; `stuck`: it gave up, someone must fix the cause. */
  readonly status: 'retrying' | 'stuck';
  /** Failed starts so far. */
  readonly attempts: number;
  /** The last failure, as Step Functions named it. */
  readonly reason?: string;
  readonly retryAt?: string;
  /** When the lead was enrolled. */
  readonly createdAt: string;
  readonly zone?: string;
}

/** A touch that may or may not have gone out: a person checks, then redrives it (`followup touches redrive`). */
export interface UnconfirmedRow {
  /** What `followup touches redrive` takes. */
  readonly id: string;
  readonly leadId: string;
  readonly leadName: string;
  readonly cadenceId: string;
  readonly stepId: string;
  readonly channel: Channel;
  readonly claimedAt: string;
  readonly reason: string;
  readonly zone?: string;
}

export interface DashboardModel {
  readonly now: string;
  /** One page of leads, newest first. */
  readonly leads: readonly LeadRow[];
  readonly paging: LeadsPaging;
  readonly totals: DashboardTotals;
  /** Enrollments whose start failed: the dashboard lists each, stuck ones first. */
  readonly unstarted: readonly UnstartedRow[];
  /** Touches that may or may not have gone out, oldest first; absent or empty when there are none. */
  readonly unconfirmed?: readonly UnconfirmedRow[];
  /** Every open task: the dashboard lists them all, soonest due first. */
  readonly tasks: readonly TaskRow[];
  /** Every SMS in the local outbox: the dashboard counts them all and lists the latest. */
  readonly sms: readonly SmsRow[];
  /** Every email sent: the dashboard counts them all and lists the latest. */
  readonly emails: readonly EmailRow[];
  readonly cadences: readonly CadenceStats[];
  readonly mailboxUrl: string;
  /** The local clock's speed-up (86400: a day passes in a second). */
  readonly speed?: number;
  /** The follow-up measures from the aggregates; absent before any are kept. */
  readonly followUp?: FollowUpFigures;
}

/** One step of an enrollment's schedule, computed at enrollment. */
export interface ScheduleRow {
  readonly step: string;
  readonly channel: Channel;
  readonly template: string;
  readonly at: string;
}

/** What happened when a step came due. `claimed`: the send is under way. */
export interface TouchRow {
  readonly step: string;
  readonly channel: Channel;
  readonly template: string;
  readonly status: TouchStatus;
  readonly reason?: string;
  readonly at: string;
}

export interface EnrollmentRow {
  readonly enrollmentId: string;
  readonly cadenceId: string;
  readonly enrolledAt: string;
  readonly status: EnrollmentStatus;
}

export interface LeadPageModel {
  readonly now: string;
  readonly lead: LeadRow;
  readonly enrollments: readonly EnrollmentRow[];
  readonly schedule: readonly ScheduleRow[];
  readonly touches: readonly TouchRow[];
  readonly mailboxUrl: string;
}

export interface FormModel {
  /** The cadence the form enrolls into (a hidden field); the server's default when absent. */
  readonly cadence?: string;
  /** The values last submitted, kept when the form comes back with errors. */
  readonly values?: Readonly<Record<string, string>>;
  /** Field name → what is wrong, as the intake validation words it ("is required; …"). */
  readonly errors?: Readonly<Record<string, string>>;
  /** A message for the whole form, e.g. when saving failed. */
  readonly message?: string;
}
