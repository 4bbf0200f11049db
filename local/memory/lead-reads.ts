import { UserError } from '../../functions/core/errors.ts';
import type { Lead } from '../../functions/domain/lead.ts';
import type { EnrollmentRecord, RepTask } from '../../functions/domain/ports.ts';
import type {
  LeadPage,
  LeadPageQuery,
  LeadReads,
  LeadTimeline,
  TaskRecord,
} from '../../functions/domain/reads.ts';
import { copyRecord } from './copy.ts';
import * as ids from './ids.ts';
import type { MemoryLeadStore } from './lead-store.ts';

/** A lead's place in the newest-first order: its creation instant, then its id, as DynamoLeadReads sorts them. */
const listed = (lead: Lead) => `${new Date(lead.createdAt).toISOString()}#${lead.leadId}`;

/** LeadReads over a MemoryLeadStore, held to DynamoLeadReads's behaviour by the contract suite. */
export class MemoryLeadReads implements LeadReads {
  constructor(private readonly store: MemoryLeadStore) {}

  async listLeads({ limit, cursor, search }: LeadPageQuery): Promise<LeadPage> {
    const after = cursor === undefined ? undefined : MemoryLeadReads.position(cursor);
    const q = search?.trim().toLowerCase() || undefined;
    const matching = [...this.store.leads.values()]
      .filter((lead) => after === undefined || listed(lead) < after)
      .filter(
        (lead) => !q || lead.email.toLowerCase().includes(q) || !!lead.company?.toLowerCase().includes(q),
      )
      .sort((a, b) => listed(b).localeCompare(listed(a)));
    const leads = matching.slice(0, limit).map((lead) => copyRecord(lead));
    const last = leads.at(-1);
    return {
      leads,
      ...(matching.length > limit && last
        ? { nextCursor: Buffer.from(JSON.stringify(['memory', listed(last)])).toString('base64url') }
        : {}),
    };
  }

  async countLeads(): Promise<number> {
    return this.store.leads.size;
  }

  async leadTimeline(leadId: string): Promise<LeadTimeline | undefined> {
    const lead = await this.store.getLead(leadId);
    if (!lead) return undefined;
    const byAt = <T extends { readonly at: string }>(a: T, b: T) => a.at.localeCompare(b.at);
    return {
      lead,
      enrollments: this.store.enrollments.of(leadId).sort((a, b) => a.enrolledAt.localeCompare(b.enrolledAt)),
      touches: this.store.touchesOf(leadId).sort(byAt),
      tasks: this.store.tasksByTouch.of(leadId).map((t) => this.taskRecord(t)),
      events: this.store
        .eventsOf(leadId)
        .map(({ leadId: _leadId, ...event }) => event)
        .sort(byAt),
    };
  }

  async openTasks(): Promise<TaskRecord[]> {
    return this.store.tasks
      .map((t) => this.taskRecord(t))
      .filter((t) => t.status === 'open')
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  }

  /** A task as DynamoLeadReads reads it: `open`, or `done` with when. */
  private taskRecord(task: RepTask): TaskRecord {
    const doneAt = this.store.tasksDone.get(ids.taskId(task));
    return doneAt ? { ...task, status: 'done', doneAt } : { ...task, status: 'open' };
  }

  async unstartedEnrollments(): Promise<EnrollmentRecord[]> {
    return [...this.store.enrollments.values()]
      .filter((e) => e.status === 'stuck' || (e.status === 'pending' && (e.startAttempts ?? 0) > 0))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  private static position(cursor: string): string {
    try {
      const [kind, position] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
      if (kind === 'memory' && typeof position === 'string') return position;
    } catch {
      // Not JSON: refused below.
    }
    throw new UserError('this page link is out of date or damaged; start again from the first page');
  }
}
