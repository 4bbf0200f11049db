import { UserError } from '../../functions/core/errors.ts';
import type { Lead, LeadStatus } from '../../functions/domain/lead.ts';
import type {
  ActivePointer,
  ClaimMarker,
  Contact,
  ContactRecorded,
  EnrollmentRecord,
  LeadEvent,
  LeadFactName,
  LeadFacts,
  LeadLookup,
  LeadStore,
  LeadUpsert,
  RepTask,
  SignalKey,
  SignalMarker,
  StartFailure,
  StartRetry,
  Suppression,
  TouchKey,
  TouchOutcome,
  TouchRecord,
} from '../../functions/domain/ports.ts';
import type {
  LeadPage,
  LeadPageQuery,
  LeadReads,
  LeadTimeline,
  TaskRecord,
} from '../../functions/domain/reads.ts';

/**
 * A LeadStore in memory with the conditional-write semantics of DynamoLeadStore, for tests about the domain and
 * the handlers. test/contract/lead-store.test.ts holds both stores to the same behaviour.
 */
export class MemoryLeadStore implements LeadStore {
  readonly leads = new Map<string, Lead>();
  readonly events: (LeadEvent & { leadId: string })[] = [];
  readonly suppressed = new Set<string>();
  readonly active = new Map<string, ActivePointer>();
  readonly enrollments = new Map<string, EnrollmentRecord>();
  readonly touches = new Map<string, TouchRecord>();
  readonly tasks: RepTask[] = [];
  /** Suppression entries by key hash. */
  readonly suppressions = new Map<string, Suppression>();
  readonly lookups = new Map<string, string>();
  readonly signals = new Map<
    string,
    SignalKey & Partial<SignalMarker> & { state: 'applying' | 'applied'; outcome?: string }
  >();
  /** Due-retry markers by their sort key, as DynamoLeadStore keys them. */
  readonly retries = new Map<string, StartRetry>();
  /** Claim markers by their sort key (claimed at, then the touch), as DynamoLeadStore keys them. */
  readonly claims = new Map<string, ClaimMarker>();
  /** The redrive list: touch ids. */
  readonly unconfirmed = new Set<string>();

  private static touchId = (key: TouchKey) => `${key.leadId}/${key.enrollmentId}/${key.stepIndex}`;
  private static activeId = (leadId: string, cadenceId: string) => `${leadId}/${cadenceId}`;
  private static enrollmentId = (leadId: string, enrollmentId: string) => `${leadId}/${enrollmentId}`;
  private static taskId = (task: RepTask) => `${task.leadId}/${task.enrollmentId}/${task.stepIndex}`;

  /** Everything stored, to assert that nothing was. */
  get size(): number {
    return (
      this.leads.size +
      this.events.length +
      this.active.size +
      this.enrollments.size +
      this.touches.size +
      this.tasks.length
    );
  }

  touch(key: TouchKey): TouchRecord | undefined {
    return this.touches.get(MemoryLeadStore.touchId(key));
  }

  async upsertLead({ create, replace, fill }: LeadUpsert) {
    const stored = this.leads.get(create.leadId);
    if (!stored) {
      this.leads.set(create.leadId, structuredClone(create));
      if (create.phone) await this.linkLead('phone', create.phone, create.leadId);
      return { lead: structuredClone(create), created: true };
    }
    const merged: Record<string, unknown> = { ...stored, updatedAt: create.updatedAt, ...replace };
    for (const [field, value] of Object.entries(fill)) merged[field] ??= value;
    this.leads.set(create.leadId, merged as unknown as Lead);
    if (typeof merged.phone === 'string') await this.linkLead('phone', merged.phone, create.leadId);
    return { lead: structuredClone(merged as unknown as Lead), created: false };
  }

  async getLead(leadId: string) {
    const lead = this.leads.get(leadId);
    return lead ? structuredClone(lead) : undefined;
  }

  async changeStatus(
    leadId: string,
    from: LeadStatus,
    to: LeadStatus,
    event: LeadEvent,
    facts: LeadFacts = {},
  ) {
    const lead = this.leads.get(leadId);
    if (lead?.status !== from) return false;
    this.leads.set(leadId, {
      ...lead,
      ...definedFacts(facts),
      status: to,
      statusChangedAt: event.at,
      updatedAt: event.at,
      sendsVersion: (lead.sendsVersion ?? 0) + 1,
    });
    await this.recordEvent(leadId, event);
    return true;
  }

  async updateLead(leadId: string, facts: LeadFacts, remove: readonly LeadFactName[] = []) {
    const lead = this.leads.get(leadId);
    if (!lead) return false;
    const next: Record<string, unknown> = { ...lead, ...definedFacts(facts) };
    for (const field of remove) if (!(field in facts)) delete next[field];
    this.leads.set(leadId, next as unknown as Lead);
    return true;
  }

  async recordEvent(leadId: string, event: LeadEvent) {
    // As in DynamoDB: the same event written again (a retry) is one event.
    const same = JSON.stringify({ leadId, ...event });
    if (this.events.some((e) => JSON.stringify(e) === same)) return;
    this.events.push({ leadId, ...event });
  }

  async isSuppressed(keys: readonly string[]) {
    return keys.some((key) => this.suppressed.has(key));
  }

  async claimActive(pointer: ActivePointer, replacing?: string) {
    const id = MemoryLeadStore.activeId(pointer.leadId, pointer.cadenceId);
    const holder = this.active.get(id);
    // A replacing claim also takes a slot its holder has freed meanwhile.
    const free = holder === undefined || (replacing !== undefined && holder.enrollmentId === replacing);
    if (free) {
      this.active.set(id, pointer);
      return undefined;
    }
    return holder;
  }

  async releaseActive(leadId: string, cadenceId: string, enrollmentId: string) {
    const id = MemoryLeadStore.activeId(leadId, cadenceId);
    if (this.active.get(id)?.enrollmentId !== enrollmentId) return false;
    this.active.delete(id);
    return true;
  }

  async listActive(leadId: string) {
    return [...this.active.values()].filter((p) => p.leadId === leadId);
  }

  async putEnrollment(record: EnrollmentRecord) {
    const id = MemoryLeadStore.enrollmentId(record.leadId, record.enrollmentId);
    if (!this.enrollments.has(id)) this.enrollments.set(id, record);
  }

  async getEnrollment(leadId: string, enrollmentId: string) {
    return this.enrollments.get(MemoryLeadStore.enrollmentId(leadId, enrollmentId));
  }

  async markEnrollmentStarted(leadId: string, enrollmentId: string, at: string, executionArn?: string) {
    const id = MemoryLeadStore.enrollmentId(leadId, enrollmentId);
    const record = this.enrollments.get(id);
    if (record) {
      this.enrollments.set(id, {
        ...record,
        status: 'started',
        startedAt: at,
        ...(executionArn ? { executionArn } : {}),
      });
    }
  }

  private static retryId = (retry: StartRetry) =>
    `${new Date(retry.dueAt).toISOString()}#${retry.leadId}#${retry.enrollmentId}`;

  async scheduleStartRetry(retry: StartRetry) {
    const id = MemoryLeadStore.retryId(retry);
    if (!this.retries.has(id)) this.retries.set(id, { ...retry, dueAt: new Date(retry.dueAt).toISOString() });
  }

  async dueStartRetries(now: string, limit: number) {
    const upTo = `${new Date(now).toISOString()}#~`;
    return [...this.retries.keys()]
      .filter((id) => id <= upTo)
      .sort()
      .slice(0, limit)
      .map((id) => this.retries.get(id) as StartRetry);
  }

  async clearStartRetry(retry: StartRetry) {
    this.retries.delete(MemoryLeadStore.retryId(retry));
  }

  async markStartFailed(leadId: string, enrollmentId: string, failure: StartFailure) {
    const id = MemoryLeadStore.enrollmentId(leadId, enrollmentId);
    const record = this.enrollments.get(id);
    if (record?.status !== 'pending') return false;
    const { retryAt: _retryAt, ...rest } = record;
    this.enrollments.set(id, {
      ...rest,
      startAttempts: failure.attempts,
      reason: failure.reason,
      ...(failure.retryAt ? { retryAt: failure.retryAt } : { status: 'stuck', endedAt: failure.at }),
    });
    return true;
  }

  async cancelEnrollment(leadId: string, enrollmentId: string, reason: string, at: string) {
    const id = MemoryLeadStore.enrollmentId(leadId, enrollmentId);
    const record = this.enrollments.get(id);
    if (record?.status !== 'pending') return false;
    const { retryAt: _retryAt, ...rest } = record;
    this.enrollments.set(id, { ...rest, status: 'cancelled', reason, endedAt: at });
    return true;
  }

  async setNextTouch(leadId: string, at: string, now: string) {
    const lead = this.leads.get(leadId);
    if (!lead) return;
    // As in DynamoDB: one spelling per instant, so instants written in other zones compare as instants.
    const next = new Date(at).toISOString();
    if (
      lead.nextTouchAt === undefined ||
      lead.nextTouchAt > next ||
      lead.nextTouchAt <= new Date(now).toISOString()
    ) {
      this.leads.set(leadId, { ...lead, nextTouchAt: next });
    }
  }

  /** Sorted as DynamoLeadStore's sort key: by instant, then by touch with the step padded. */
  private static claimId = (marker: ClaimMarker) =>
    `${new Date(marker.claimedAt).toISOString()}#${marker.leadId}#${marker.enrollmentId}#${String(marker.stepIndex).padStart(3, '0')}`;

  private dropMarkerOf(record: TouchRecord | undefined) {
    if (record?.claimedAt)
      this.claims.delete(MemoryLeadStore.claimId({ ...record, claimedAt: record.claimedAt }));
  }

  async claimTouch(record: TouchRecord) {
    const id = MemoryLeadStore.touchId(record);
    const existing = this.touches.get(id);
    if (existing && existing.status !== 'failed') return existing;
    if (record.status === 'claimed' && record.claimedAt) {
      const marker = {
        leadId: record.leadId,
        enrollmentId: record.enrollmentId,
        stepIndex: record.stepIndex,
        claimedAt: record.claimedAt,
      };
      this.claims.set(MemoryLeadStore.claimId(marker), marker);
    }
    this.touches.set(id, record);
    return undefined;
  }

  async finishTouch(key: TouchKey, outcome: TouchOutcome) {
    const id = MemoryLeadStore.touchId(key);
    const record = this.touches.get(id);
    if (record) this.touches.set(id, { ...record, ...outcome });
    this.dropMarkerOf(record);
  }

  async releaseTouch(key: TouchKey) {
    const id = MemoryLeadStore.touchId(key);
    const record = this.touches.get(id);
    if (record?.status !== 'claimed') return;
    this.touches.delete(id);
    this.dropMarkerOf(record);
  }

  async getTouch(key: TouchKey) {
    const record = this.touches.get(MemoryLeadStore.touchId(key));
    return record ? structuredClone(record) : undefined;
  }

  async claimMarkersBefore(before: string, limit: number) {
    const upTo = `${new Date(before).toISOString()}#~`;
    return [...this.claims.keys()]
      .filter((id) => id <= upTo)
      .sort()
      .slice(0, limit)
      .map((id) => this.claims.get(id) as ClaimMarker);
  }

  async clearClaimMarker(marker: ClaimMarker) {
    this.claims.delete(MemoryLeadStore.claimId(marker));
  }

  async markTouchUnconfirmed(marker: ClaimMarker, reason: string, at: string) {
    const id = MemoryLeadStore.touchId(marker);
    const record = this.touches.get(id);
    if (record?.status !== 'claimed' || (record.claimedAt ?? record.at) !== marker.claimedAt) return false;
    this.unconfirmed.add(id);
    this.touches.set(id, { ...record, status: 'unconfirmed', reason, unconfirmedAt: at });
    this.claims.delete(MemoryLeadStore.claimId(marker));
    return true;
  }

  async unconfirmedTouches(limit: number) {
    return [...this.unconfirmed]
      .map((id) => this.touches.get(id))
      .filter((t): t is TouchRecord => t?.status === 'unconfirmed')
      .slice(0, limit)
      .map((t) => structuredClone(t));
  }

  async reclaimUnconfirmed(key: TouchKey, by: string, at: string) {
    const id = MemoryLeadStore.touchId(key);
    const record = this.touches.get(id);
    if (record?.status !== 'unconfirmed') return false;
    const marker = {
      leadId: key.leadId,
      enrollmentId: key.enrollmentId,
      stepIndex: key.stepIndex,
      claimedAt: at,
    };
    this.claims.set(MemoryLeadStore.claimId(marker), marker);
    const { reason: _reason, ...rest } = record;
    this.touches.set(id, { ...rest, status: 'claimed', claimedAt: at, redrivenBy: by, redrivenAt: at });
    return true;
  }

  async clearUnconfirmed(key: TouchKey) {
    this.unconfirmed.delete(MemoryLeadStore.touchId(key));
  }

  async reserveSends(leadId: string, version: number, recentSends: readonly string[]) {
    const lead = this.leads.get(leadId);
    if (!lead || lead.sendsVersion !== version) return false;
    this.leads.set(leadId, { ...lead, recentSends: [...recentSends], sendsVersion: version + 1 });
    return true;
  }

  async recordContact(leadId: string, contact: Contact): Promise<ContactRecorded | undefined> {
    const lead = this.leads.get(leadId);
    if (!lead) return undefined;
    this.leads.set(leadId, {
      ...lead,
      lastContactAt: contact.at,
      lastChannel: contact.channel,
      lastTemplate: contact.template,
      lastCadence: contact.cadenceId,
      lastEnrollment: contact.enrollmentId,
      firstContactAt: lead.firstContactAt ?? contact.at,
      updatedAt: contact.at,
      touchCount: lead.touchCount + 1,
      smsCount: lead.smsCount + (contact.channel === 'sms' ? 1 : 0),
      ...(contact.nextTouchAt ? { nextTouchAt: contact.nextTouchAt } : {}),
    });
    return {
      touchCount: lead.touchCount + 1,
      ...(lead.lastEnrollment ? { previousEnrollmentId: lead.lastEnrollment } : {}),
      firstContactAt: lead.firstContactAt ?? contact.at,
    };
  }

  async putTask(task: RepTask) {
    // One task per touch: a retried touch replaces its task.
    const at = this.tasks.findIndex((t) => MemoryLeadStore.taskId(t) === MemoryLeadStore.taskId(task));
    if (at === -1) this.tasks.push(task);
    else this.tasks[at] = task;
  }

  async suppress(keys: readonly string[], suppression: Suppression) {
    for (const key of keys) {
      if (!this.suppressions.has(key)) this.suppressions.set(key, suppression);
      this.suppressed.add(key);
    }
  }

  async unsuppress(key: string, reason: string) {
    if (this.suppressions.get(key)?.reason !== reason) return false;
    this.suppressions.delete(key);
    this.suppressed.delete(key);
    return true;
  }

  async linkLead(lookup: LeadLookup, value: string, leadId: string) {
    this.lookups.set(`${lookup}:${value.trim()}`, leadId);
  }

  async findLeadId(lookup: LeadLookup, value: string) {
    return this.lookups.get(`${lookup}:${value.trim()}`);
  }

  private static signalId = (key: SignalKey) => `${key.leadId ?? '-'}/${key.signalId}`;

  async claimSignal(marker: SignalMarker, staleBefore: string) {
    const id = MemoryLeadStore.signalId(marker);
    const held = this.signals.get(id);
    const stale = held?.state === 'applying' && held.claimedAt !== undefined && held.claimedAt < staleBefore;
    if (held && !stale) return false;
    this.signals.set(id, { ...marker, state: 'applying' });
    return true;
  }

  async finishSignal(key: SignalKey, _at: string, outcome: string) {
    const id = MemoryLeadStore.signalId(key);
    // Applied even without a claim: every later delivery is a duplicate.
    this.signals.set(id, { ...key, ...this.signals.get(id), state: 'applied', outcome });
  }

  async releaseSignal(key: SignalKey) {
    const id = MemoryLeadStore.signalId(key);
    if (this.signals.get(id)?.state === 'applying') this.signals.delete(id);
  }
}

/** The facts to write: one passed as undefined leaves the stored value, as DynamoLeadStore skips it. */
function definedFacts(facts: LeadFacts): LeadFacts {
  return structuredClone(
    Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined)),
  );
}

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
    const leads = matching.slice(0, limit).map((lead) => structuredClone(lead));
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
      enrollments: [...this.store.enrollments.values()]
        .filter((e) => e.leadId === leadId)
        .sort((a, b) => a.enrolledAt.localeCompare(b.enrolledAt)),
      touches: [...this.store.touches.values()].filter((t) => t.leadId === leadId).sort(byAt),
      tasks: this.store.tasks.filter((t) => t.leadId === leadId).map((t) => ({ ...t, status: 'open' })),
      events: this.store.events
        .filter((e) => e.leadId === leadId)
        .map(({ leadId: _leadId, ...event }) => event)
        .sort(byAt),
    };
  }

  async openTasks(): Promise<TaskRecord[]> {
    return this.store.tasks
      .map((t) => ({ ...t, status: 'open' }))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
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
