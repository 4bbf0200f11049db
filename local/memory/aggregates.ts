import type { AggregateRow, Counter } from '../../functions/core/report.ts';
import type {
  AggregateKey,
  AggregateQuery,
  Aggregates,
  EnrollmentMarks,
} from '../../functions/domain/report-ports.ts';

/** Aggregates in memory, with DynamoAggregates' semantics; `failing` makes every write throw, as a throttled table. */
export class MemoryAggregates implements Aggregates {
  readonly items = new Map<string, { key: AggregateKey; counts: Partial<Record<Counter, number>> }>();
  private readonly marks = new Map<string, { first?: string; reachedTwo?: string }>();
  failing = false;

  async add(key: AggregateKey, counts: Partial<Record<Counter, number>>): Promise<void> {
    if (this.failing) throw Object.assign(new Error('Rate exceeded'), { name: 'TransientError' });
    const id = `${key.cadenceId}|${key.month}|${key.slot}`;
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
      first: marks.first ?? at,
      reachedTwo: ask.reachedTwo ? (marks.reachedTwo ?? at) : marks.reachedTwo,
    });
    return result;
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

  /** The counts of one item, e.g. `counts('follow-up', '2026-03', 2)`. */
  counts(cadenceId: string, month: string, slot: AggregateKey['slot']) {
    return this.items.get(`${cadenceId}|${month}|${slot}`)?.counts;
  }
}
