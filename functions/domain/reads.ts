import type { Lead } from './lead.ts';
import type { EnrollmentRecord, LeadEvent, RepTask, TouchRecord } from './ports.ts';

/* The read side, next to the LeadStore the engine writes through (docs/architecture.md §5.1). */

/** A page of leads: `limit` of them, newest first, whose email or company contains `search` (any case). */
export interface LeadPageQuery {
  readonly limit: number;
  /** Where the page starts: the `nextCursor` of the page before; the newest leads when absent. */
  readonly cursor?: string;
  readonly search?: string;
}

export interface LeadPage {
  readonly leads: readonly Lead[];
  /** Opaque; absent on the last page. A cursor the store did not make is refused with a `UserError`. */
  readonly nextCursor?: string;
}

/** A task as the reps' list shows it: `open` until someone closes it. */
export interface TaskRecord extends RepTask {
  readonly status: string;
  /** When it was marked done (its task email's links, the outcome API). */
  readonly doneAt?: string;
}

/** Everything stored about one lead, each list oldest first: what the lead page shows and simulate recounts. */
export interface LeadTimeline {
  readonly lead: Lead;
  /** By `enrolledAt`. */
  readonly enrollments: readonly EnrollmentRecord[];
  /** By `at`. */
  readonly touches: readonly TouchRecord[];
  readonly tasks: readonly TaskRecord[];
  /** Status changes, signals and other dated facts, by `at`. */
  readonly events: readonly LeadEvent[];
}

/**
 * What the dashboard, the local API and simulate read, next to the LeadStore the engine writes through: by key and
 * by listing, never a scan of the table.
 */
export interface LeadReads {
  listLeads(query: LeadPageQuery): Promise<LeadPage>;
  /** How many leads are listed. */
  countLeads(): Promise<number>;
  leadTimeline(leadId: string): Promise<LeadTimeline | undefined>;
  /** Every open task, soonest due first. */
  openTasks(): Promise<TaskRecord[]>;
  /** Enrollments whose start failed and is retried (pending, with attempts), or was given up (`stuck`). */
  unstartedEnrollments(): Promise<EnrollmentRecord[]>;
}
