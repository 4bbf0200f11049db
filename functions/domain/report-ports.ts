import type { AggregateRow, AggregateSlot, Counter } from '../core/report.ts';

/* What the report and the dashboards count: the table's counters and the CloudWatch business metrics. */

export interface AggregateKey {
  readonly cadenceId: string;
  /** yyyy-mm, UTC: the month of the lead's first touch, or (closed) the month won. */
  readonly month: string;
  readonly slot: AggregateSlot;
  /** `speed` slot: the lead's owner ("" for none); `variant` slot: "<step>/<variant>". Absent on other slots. */
  readonly owner?: string;
}

export interface AggregateQuery {
  /** Only these cadences; every cadence with data when absent. */
  readonly cadenceIds?: readonly string[];
  /** yyyy-mm, inclusive; open when absent. */
  readonly since?: string;
  readonly until?: string;
}

/** The enrollment a mark was set on, as it was stored: where speed to lead is timed from. */
export interface MarkedEnrollment {
  readonly cadenceId: string;
  /** The enrollment's start (its schedule's instant E, docs/architecture.md §2.3): the lead's arrival in it. */
  readonly enrolledAt: string;
  /** What enrolled it: "intake", "import", "cadence:<id>" (a `then`), "signal:<type>" (a snooze's re-engage). */
  readonly source: string;
}

/** What an enrollment's touch marked for the first time. */
export interface EnrollmentMarks {
  /** This was the enrollment's first sent touch. */
  readonly first: boolean;
  /** This was the first of its touches after which its lead had had 2 touches. */
  readonly reachedTwo: boolean;
  /** The enrollment, when this call set its first mark (read in the same write, so it costs no request). */
  readonly enrollment?: MarkedEnrollment;
}

/**
 * The report's counters, kept on write per cadence × month × touch number (docs/architecture.md §5.3): atomic
 * additions, so concurrent writers never lose a count, and reads by key, so a report never scans.
 */
export interface Aggregates {
  /** Adds `counts` to one aggregate item atomically; an item that does not exist starts at zero. */
  add(key: AggregateKey, counts: Partial<Record<Counter, number>>): Promise<void>;
  /**
   * Marks, on the enrollment, its first touch and (when `reachedTwo` is asked) the first touch after which its lead
   * had had 2 touches; says which marks this call set. A mark already there is not set again.
   */
  markEnrollment(
    leadId: string,
    enrollmentId: string,
    at: string,
    ask: { readonly reachedTwo: boolean },
  ): Promise<EnrollmentMarks>;
  /**
   * Marks the enrollment's first human touch (a task its rep marked done) at `at`, once: the enrollment as stored
   * when this call set the mark, undefined when it was set already (or there is no such enrollment).
   */
  markHumanTouch(leadId: string, enrollmentId: string, at: string): Promise<MarkedEnrollment | undefined>;
  /** The aggregate rows of the cadences and months asked for: reads that grow with cadences × months, not leads. */
  read(query?: AggregateQuery): Promise<AggregateRow[]>;
}

/** Business metrics for dashboards and alarms (CloudWatch EMF on Lambda). */
export type MetricName =
  | 'TouchesSent'
  | 'Skipped'
  | 'TouchFailures'
  | 'Replies'
  | 'Meetings'
  | 'Conversions'
  | 'RevenueRecovered'
  | 'Lost'
  | 'Unsubscribes'
  | 'Bounces'
  | 'Complaints'
  | 'EnrollmentsStuck'
  | 'TouchesUnconfirmed'
  /** A touch that found no sending capacity and waits (#15): a Lambda error the Touch's alarm leaves out. */
  | 'SendingWaits'
  /** The governor paused marketing sends on a bounce or complaint rate: the owner must look, then resume. */
  | 'SendingPaused';

export interface MetricSink {
  /** Adds `value` to the metric now; `dimensions` split it (e.g. TouchesSent by channel). */
  add(name: MetricName, value: number, dimensions?: Readonly<Record<string, string>>): void;
}
