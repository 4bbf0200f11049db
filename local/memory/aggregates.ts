import type { AggregateRow, Counter } from '../../functions/core/report.ts';
import type { EnrollmentRecord } from '../../functions/domain/ports.ts';
import type {
  AggregateKey,
  AggregateQuery,
  Aggregates,
  EnrollmentMarks,
  MarkedEnrollment,
} from '../../functions/domain/report-ports.ts';

/** How the aggregates find an enrollment's start (DynamoAggregates reads it in the marking write). */
export type EnrollmentLookup = (
  leadId: string,
  enrollmentId: string,
) => Promise<EnrollmentRecord | undefined>;

/** Aggregates in memory, with DynamoAggregates' semantics; `failing` makes every write throw, as a throttled table. */
export class MemoryAggregates implements Aggregates {
  readonly items = new Map<string, { key: AggregateKey; counts: Partial<Record<Counter, number>> }>();
  private readonly marks = new Map<string, { first?: string; reachedTwo?: string; human?: string }>();
  failing = false;

  /** Without `enrollments`, no mark finds its enrollment and no speed to lead is counted. */
  constructor(private readonly enrollments?: EnrollmentLookup) {}

  async add(key: AggregateKey, counts: Partial<Record<Counter, number>>): Promise<void> {
    if (this.failing) throw Object.assign(new Error('Rate exceeded'), { name: 'TransientError' });
    const id = `${key.cadenceId}|${key.month}|${key.slot}${key.owner === undefined ? '' : `|${key.owner}`}`;
    const item = this.items.get(id) ?? { key, counts: {} };
    for (const [counter, value] of Object.entries(counts) as [Counter, number][]) {
      item.counts[counter] = (item.counts[counter] ?? 0) + value;
    }
    this.items.set(id, item);
  }

  async markEnrollment(
    leadId: string,
    enrollmentId: string,
    at: string,
    ask: { readonly reachedTwo: boolean },
  ): Promise<EnrollmentMarks> {
    if (this.failing) throw Object.assign(new Error('Rate exceeded'), { name: 'TransientError' });
    const id = `${leadId}|${enrollmentId}`;
    const marks = this.marks.get(id) ?? {};
    const result = {
      first: marks.first === undefined,
      reachedTwo: ask.reachedTwo && marks.reachedTwo === undefined,
    };
    this.marks.set(id, {
      ...marks,
      first: marks.first ?? at,
      reachedTwo: ask.reachedTwo ? (marks.reachedTwo ?? at) : marks.reachedTwo,
    });
    const enrollment = result.first ? await this.enrollment(leadId, enrollmentId) : undefined;
    return enrollment ? { ...result, enrollment } : result;
  }

  async markHumanTouch(
    leadId: string,
    enrollmentId: string,
    at: string,
  ): Promise<MarkedEnrollment | undefined> {
    if (this.failing) throw Object.assign(new Error('Rate exceeded'), { name: 'TransientError' });
    const enrollment = await this.enrollment(leadId, enrollmentId);
    const id = `${leadId}|${enrollmentId}`;
    const marks = this.marks.get(id) ?? {};
    // As DynamoDB's conditional write: no enrollment, no mark.
    if (!enrollment || marks.human !== undefined) return undefined;
    this.marks.set(id, { ...marks, human: at });
    return enrollment;
  }

  private async enrollment(leadId: string, enrollmentId: string): Promise<MarkedEnrollment | undefined> {
    const record = await this.enrollments?.(leadId, enrollmentId);
    return record && { cadenceId: record.cadenceId, enrolledAt: record.enrolledAt, source: record.source };
  }

  async read(query: AggregateQuery = {}): Promise<AggregateRow[]> {
    return [...this.items.values()]
      .filter(
        ({ key }) =>
          (!query.cadenceIds || query.cadenceIds.includes(key.cadenceId)) &&
          (!query.since || key.month >= query.since) &&
          (!query.until || key.month <= query.until),
      )
      .map(({ key, counts }) => ({ ...key, counts }));
  }

  /** The counts of one item, e.g. `counts('follow-up', '2026-03', 2)`; a `speed` item also names its owner. */
  counts(cadenceId: string, month: string, slot: AggregateKey['slot'], owner?: string) {
    return this.items.get(`${cadenceId}|${month}|${slot}${owner === undefined ? '' : `|${owner}`}`)?.counts;
  }
}
