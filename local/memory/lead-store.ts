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
  StartFailure,
  StartRetry,
  Suppression,
  TaskId,
  TouchKey,
  TouchOutcome,
  TouchRecord,
} from '../../functions/domain/ports.ts';
import { appendTo, ByLeadMap } from './by-lead-map.ts';
import { copyRecord } from './copy.ts';
import * as ids from './ids.ts';
import { MemorySignalMarkers } from './signal-markers.ts';

/**
 * A LeadStore in memory with the conditional-write semantics of DynamoLeadStore: `followup simulate`'s store
 * (docs/architecture.md §6) and the tests' about the domain and the handlers. test/contract/lead-store.test.ts
 * holds both stores to the same behaviour.
 */
export class MemoryLeadStore extends MemorySignalMarkers implements LeadStore {
  /** Each lead's events, so a lead's timeline is read without a scan (its touches: `touches.of`). */
  private readonly eventsBy = new Map<string, (LeadEvent & { leadId: string })[]>();
  private readonly eventKeys = new Set<string>();
  readonly leads = new Map<string, Lead>();
  readonly events: (LeadEvent & { leadId: string })[] = [];
  readonly suppressed = new Set<string>();
  readonly active = new ByLeadMap<ActivePointer>();
  readonly enrollments = new ByLeadMap<EnrollmentRecord>();
  readonly touches = new ByLeadMap<TouchRecord>();
  readonly tasksByTouch = new ByLeadMap<RepTask>();
  /** When each task was marked done, by task id. */
  readonly tasksDone = new Map<string, string>();
  /** Suppression entries by key hash. */
  readonly suppressions = new Map<string, Suppression>();
  readonly lookups = new Map<string, string>();
  /** Due-retry markers by their sort key, as DynamoLeadStore keys them. */
  readonly retries = new Map<string, StartRetry>();
  /** Claim markers by their sort key (claimed at, then the touch), as DynamoLeadStore keys them. */
  readonly claims = new Map<string, ClaimMarker>();
  /** The redrive list: touch ids. */
  readonly unconfirmed = new Set<string>();

  get tasks(): RepTask[] {
    return [...this.tasksByTouch.values()];
  }

  /** Everything stored, to assert that nothing was. */
  get size(): number {
    return (
      this.leads.size +
      this.events.length +
      this.active.size +
      this.enrollments.size +
      this.touches.size +
      this.tasksByTouch.size
    );
  }

  /** The lead's touches and events, as stored. */
  touchesOf(leadId: string): TouchRecord[] {
    return this.touches.of(leadId);
  }
  eventsOf(leadId: string): readonly (LeadEvent & { leadId: string })[] {
    return [...(this.eventsBy.get(leadId) ?? [])];
  }

  touch(key: TouchKey): TouchRecord | undefined {
    return this.touches.get(ids.touchId(key));
  }

  async upsertLead({ create, replace, fill }: LeadUpsert) {
    const stored = this.leads.get(create.leadId);
    if (!stored) {
      this.leads.set(create.leadId, copyRecord(create));
      if (create.phone) await this.linkLead('phone', create.phone, create.leadId);
      return { lead: copyRecord(create), created: true };
    }
    const merged: Record<string, unknown> = { ...stored, updatedAt: create.updatedAt, ...replace };
    for (const [field, value] of Object.entries(fill)) merged[field] ??= value;
    this.leads.set(create.leadId, merged as unknown as Lead);
    if (typeof merged.phone === 'string') await this.linkLead('phone', merged.phone, create.leadId);
    return { lead: copyRecord(merged as unknown as Lead), created: false };
  }

  async getLead(leadId: string) {
    const lead = this.leads.get(leadId);
    return lead ? copyRecord(lead) : undefined;
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
      ...ids.definedFacts(facts),
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
    const next: Record<string, unknown> = { ...lead, ...ids.definedFacts(facts) };
    for (const field of remove) if (!(field in facts)) delete next[field];
    this.leads.set(leadId, next as unknown as Lead);
    return true;
  }

  async recordEvent(leadId: string, event: LeadEvent) {
    // As in DynamoDB: the same event written again (a retry) is one event.
    const same = JSON.stringify({ leadId, ...event });
    if (this.eventKeys.has(same)) return;
    this.eventKeys.add(same);
    this.events.push({ leadId, ...event });
    appendTo(this.eventsBy, leadId, { leadId, ...event });
  }

  async isSuppressed(keys: readonly string[]) {
    return keys.some((key) => this.suppressed.has(key));
  }

  async claimActive(pointer: ActivePointer, replacing?: string) {
    const id = ids.activeId(pointer.leadId, pointer.cadenceId);
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
    const id = ids.activeId(leadId, cadenceId);
    if (this.active.get(id)?.enrollmentId !== enrollmentId) return false;
    this.active.delete(id);
    return true;
  }

  async listActive(leadId: string) {
    return this.active.of(leadId);
  }

  async putEnrollment(record: EnrollmentRecord) {
    const id = ids.enrollmentId(record.leadId, record.enrollmentId);
    if (!this.enrollments.has(id)) this.enrollments.set(id, record);
  }

  async getEnrollment(leadId: string, enrollmentId: string) {
    return this.enrollments.get(ids.enrollmentId(leadId, enrollmentId));
  }

  async markEnrollmentStarted(leadId: string, enrollmentId: string, at: string, executionArn?: string) {
    const id = ids.enrollmentId(leadId, enrollmentId);
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

  async scheduleStartRetry(retry: StartRetry) {
    const id = ids.retryId(retry);
    if (!this.retries.has(id)) this.retries.set(id, { ...retry, dueAt: ids.instantKey(retry.dueAt) });
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
    this.retries.delete(ids.retryId(retry));
  }

  async markStartFailed(leadId: string, enrollmentId: string, failure: StartFailure) {
    const id = ids.enrollmentId(leadId, enrollmentId);
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
    const id = ids.enrollmentId(leadId, enrollmentId);
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
    const next = ids.instantKey(at);
    if (
      lead.nextTouchAt === undefined ||
      lead.nextTouchAt > next ||
      lead.nextTouchAt <= ids.instantKey(now)
    ) {
      this.leads.set(leadId, { ...lead, nextTouchAt: next });
    }
  }

  private dropMarkerOf(record: TouchRecord | undefined) {
    if (record?.claimedAt) this.claims.delete(ids.claimId({ ...record, claimedAt: record.claimedAt }));
  }

  async claimTouch(record: TouchRecord) {
    const id = ids.touchId(record);
    const existing = this.touches.get(id);
    if (existing && existing.status !== 'failed') return existing;
    if (record.status === 'claimed' && record.claimedAt) {
      const marker = {
        leadId: record.leadId,
        enrollmentId: record.enrollmentId,
        stepIndex: record.stepIndex,
        claimedAt: record.claimedAt,
      };
      this.claims.set(ids.claimId(marker), marker);
    }
    this.touches.set(id, record);
    return undefined;
  }

  async finishTouch(key: TouchKey, outcome: TouchOutcome) {
    const id = ids.touchId(key);
    const record = this.touches.get(id);
    if (record) this.touches.set(id, { ...record, ...outcome });
    this.dropMarkerOf(record);
  }

  async releaseTouch(key: TouchKey) {
    const id = ids.touchId(key);
    const record = this.touches.get(id);
    if (record?.status !== 'claimed') return;
    this.touches.delete(id);
    this.dropMarkerOf(record);
  }

  async getTouch(key: TouchKey) {
    const record = this.touches.get(ids.touchId(key));
    return record ? copyRecord(record) : undefined;
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
    this.claims.delete(ids.claimId(marker));
  }

  async markTouchUnconfirmed(marker: ClaimMarker, reason: string, at: string) {
    const id = ids.touchId(marker);
    const record = this.touches.get(id);
    if (record?.status !== 'claimed' || (record.claimedAt ?? record.at) !== marker.claimedAt) return false;
    this.unconfirmed.add(id);
    this.touches.set(id, { ...record, status: 'unconfirmed', reason, unconfirmedAt: at });
    this.claims.delete(ids.claimId(marker));
    return true;
  }

  async unconfirmedTouches(limit: number) {
    return [...this.unconfirmed]
      .map((id) => this.touches.get(id))
      .filter((t): t is TouchRecord => t?.status === 'unconfirmed')
      .slice(0, limit)
      .map((t) => copyRecord(t));
  }

  async reclaimUnconfirmed(key: TouchKey, by: string, at: string) {
    const id = ids.touchId(key);
    const record = this.touches.get(id);
    if (record?.status !== 'unconfirmed') return false;
    const marker = {
      leadId: key.leadId,
      enrollmentId: key.enrollmentId,
      stepIndex: key.stepIndex,
      claimedAt: at,
    };
    this.claims.set(ids.claimId(marker), marker);
    const { reason: _reason, ...rest } = record;
    this.touches.set(id, { ...rest, status: 'claimed', claimedAt: at, redrivenBy: by, redrivenAt: at });
    return true;
  }

  async clearUnconfirmed(key: TouchKey) {
    this.unconfirmed.delete(ids.touchId(key));
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

  async closeTask(task: TaskId, at: string) {
    const id = ids.taskId(task);
    if (this.tasksByTouch.has(id) && !this.tasksDone.has(id)) this.tasksDone.set(id, at);
  }

  async putTask(task: RepTask) {
    // One task per touch: a retried touch replaces its task.
    this.tasksByTouch.set(ids.taskId(task), task);
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
}
