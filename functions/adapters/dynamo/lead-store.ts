import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EnrollWrite, WritesTogether } from '../../domain/enroll-writes.ts';
import type { Lead, LeadProfile, LeadStatus } from '../../domain/lead.ts';
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
  TaskId,
  TouchKey,
  TouchOutcome,
  TouchRecord,
} from '../../domain/ports.ts';
import { EnrollmentItems } from './enrollment-items.ts';
import { Expression, toLead } from './expression.ts';
import { leadKey, lookupItemKey, signalItemKey, suppressionItemKey } from './keys.ts';
import { batchWriteOf, eventItem, lookupItem, phoneItem } from './lead-items.ts';
import { Listings } from './listings.ts';
import { DynamoTable } from './table.ts';
import { TouchItems } from './touch-items.ts';
import { WriteBatcher } from './write-batcher.ts';

export interface DynamoLeadStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/**
 * The LeadStore over the single table (key layout: keys.ts). The lead's own item, suppressions, lookups and signal
 * markers are here; enrollments and touches have a file each, and this class hands their methods on.
 */
export class DynamoLeadStore implements LeadStore, WritesTogether {
  private readonly table: DynamoTable;
  private readonly batcher: WriteBatcher;
  private readonly enrollments: EnrollmentItems;
  private readonly touches: TouchItems;
  private readonly listings: Listings;

  constructor(options: DynamoLeadStoreOptions) {
    this.table = new DynamoTable(options.client, options.tableName);
    this.enrollments = new EnrollmentItems(this.table);
    this.touches = new TouchItems(this.table);
    this.batcher = new WriteBatcher(options.client, options.tableName);
    this.listings = new Listings(this.table, this.batcher);
  }

  /** BatchWriteItem: the writes of concurrent calls share requests (write-batcher.ts). */
  writeTogether(writes: readonly EnrollWrite[]): Promise<void> {
    return this.batcher.write(writes.map(batchWriteOf));
  }

  async upsertLead({ create, replace, fill }: LeadUpsert): Promise<{ lead: Lead; created: boolean }> {
    const key = leadKey(create.leadId);
    // Deleted between the two writes (an erasure request racing a signup): the second round creates it afresh.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await this.table.put({ Item: { ...key, type: 'lead', ...create } }, 'attribute_not_exists(pk)')) {
        // A second round (the lead was erased meanwhile) asks for the old listing: it may be this instant's.
        const phone = create.phone ? [{ put: phoneItem(create.phone, create.leadId) }] : [];
        if (attempt === 0) await this.listings.listNew(create, phone);
        else {
          await this.linkPhone(create);
          await this.listings.list(create);
        }
        return { lead: create, created: true };
      }
      const expression = new Expression().set('updatedAt', create.updatedAt);
      for (const [field, value] of Object.entries(replace)) expression.set(field, value);
      for (const [field, value] of Object.entries(fill as Partial<LeadProfile>)) {
        if (!(field in replace)) expression.setIfAbsent(field, value);
      }
      const updated = await this.table.update(
        {
          Key: key,
          UpdateExpression: expression.update(),
          ExpressionAttributeNames: expression.names,
          ExpressionAttributeValues: expression.values,
          ReturnValues: 'ALL_NEW',
        },
        'attribute_exists(pk)',
      );
      if (updated) {
        const lead = toLead(updated);
        await this.linkPhone(lead);
        // The stored lead's own createdAt keys its listing; the create's stands in only where none was stored.
        await this.listings.list({ ...create, ...lead });
        return { lead, created: false };
      }
    }
    throw new Error(`the lead ${create.leadId} keeps appearing and disappearing`);
  }

  async getLead(leadId: string): Promise<Lead | undefined> {
    const item = await this.table.get(leadKey(leadId));
    return item ? toLead(item) : undefined;
  }

  async changeStatus(
    leadId: string,
    from: LeadStatus,
    to: LeadStatus,
    event: LeadEvent,
    facts: LeadFacts = {},
  ): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {
      ':to': to,
      ':from': from,
      ':at': event.at,
      ':zero': 0,
      ':one': 1,
    };
    // Bumping sendsVersion makes a touch's conditional send reservation fail if it read the lead before this
    // change: the touch re-reads, sees the new status and does not send (docs/architecture.md §8.5).
    const sets = [
      '#status = :to',
      'statusChangedAt = :at',
      'updatedAt = :at',
      'sendsVersion = if_not_exists(sendsVersion, :zero) + :one',
    ];
    Object.entries(facts)
      .filter(([, value]) => value !== undefined)
      .forEach(([field, value], i) => {
        names[`#f${i}`] = field;
        values[`:f${i}`] = value;
        sets.push(`#f${i} = :f${i}`);
      });
    const changed = await this.table.conditionalUpdate({
      Key: leadKey(leadId),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: '#status = :from',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
    if (changed) await this.recordEvent(leadId, event);
    return changed;
  }

  async updateLead(leadId: string, facts: LeadFacts, remove: readonly LeadFactName[] = []): Promise<boolean> {
    const expression = new Expression();
    for (const [field, value] of Object.entries(facts)) {
      if (value !== undefined) expression.set(field, value);
    }
    for (const field of remove) if (!(field in facts)) expression.remove(field);
    const update = expression.update();
    if (update === '') return (await this.table.get(leadKey(leadId))) !== undefined;
    return this.table.conditionalUpdate({
      Key: leadKey(leadId),
      UpdateExpression: update,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: expression.names,
      ...(Object.keys(expression.values).length > 0 ? { ExpressionAttributeValues: expression.values } : {}),
    });
  }

  async recordEvent(leadId: string, event: LeadEvent): Promise<void> {
    await this.table.put({ Item: eventItem(leadId, event) });
  }

  async isSuppressed(keys: readonly string[]): Promise<boolean> {
    const found = await Promise.all(keys.map((hash) => this.table.get(suppressionItemKey(hash))));
    return found.some((item) => item !== undefined);
  }

  async setNextTouch(leadId: string, at: string, now: string): Promise<void> {
    await this.table.conditionalUpdate({
      Key: leadKey(leadId),
      UpdateExpression: 'SET nextTouchAt = :at',
      // The earliest future touch across the lead's cadences wins; a past one is replaced.
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(nextTouchAt) OR nextTouchAt > :at OR nextTouchAt <= :now)',
      // One spelling per instant ("…T15:00:00.000Z"): the condition compares strings.
      ExpressionAttributeValues: { ':at': new Date(at).toISOString(), ':now': new Date(now).toISOString() },
    });
  }

  async reserveSends(leadId: string, version: number, recentSends: readonly string[]): Promise<boolean> {
    return this.table.conditionalUpdate({
      Key: leadKey(leadId),
      UpdateExpression: 'SET recentSends = :sends, sendsVersion = :next',
      ConditionExpression:
        version === 0
          ? 'attribute_exists(pk) AND (attribute_not_exists(sendsVersion) OR sendsVersion = :version)'
          : 'sendsVersion = :version',
      ExpressionAttributeValues: { ':sends': recentSends, ':version': version, ':next': version + 1 },
    });
  }

  async recordContact(leadId: string, contact: Contact): Promise<ContactRecorded | undefined> {
    const expression = new Expression()
      .set('lastContactAt', contact.at)
      .set('lastChannel', contact.channel)
      .set('lastTemplate', contact.template)
      .set('lastCadence', contact.cadenceId)
      .set('lastEnrollment', contact.enrollmentId)
      .setIfAbsent('firstContactAt', contact.at)
      .set('updatedAt', contact.at)
      .increment('touchCount');
    if (contact.channel === 'sms') expression.increment('smsCount');
    if (contact.nextTouchAt) expression.set('nextTouchAt', contact.nextTouchAt);
    // The old values come from the same atomic write: two touches at once get touch numbers n and n+1.
    const old = await this.table.update(
      {
        Key: leadKey(leadId),
        UpdateExpression: expression.update(),
        ExpressionAttributeNames: expression.names,
        ExpressionAttributeValues: expression.values,
        ReturnValues: 'UPDATED_OLD',
      },
      'attribute_exists(pk)',
    );
    if (!old) return undefined;
    const before = typeof old.touchCount === 'number' ? old.touchCount : 0;
    return {
      touchCount: before + 1,
      ...(typeof old.lastEnrollment === 'string' ? { previousEnrollmentId: old.lastEnrollment } : {}),
      firstContactAt: typeof old.firstContactAt === 'string' ? old.firstContactAt : contact.at,
    };
  }

  async suppress(keys: readonly string[], suppression: Suppression): Promise<void> {
    // The first reason stays: a later unsubscribe does not turn a complaint into something START can undo.
    for (const hash of keys) {
      await this.table.put(
        { Item: { ...suppressionItemKey(hash), type: 'suppression', ...suppression } },
        'attribute_not_exists(pk)',
      );
    }
  }

  async unsuppress(key: string, reason: string): Promise<boolean> {
    const deleted = await this.table.conditionalDelete({
      Key: suppressionItemKey(key),
      ConditionExpression: '#reason = :reason',
      ExpressionAttributeNames: { '#reason': 'reason' },
      ExpressionAttributeValues: { ':reason': reason },
    });
    return deleted !== false;
  }

  async linkLead(lookup: LeadLookup, value: string, leadId: string): Promise<void> {
    await this.table.put({ Item: lookupItem(lookup, value, leadId) });
  }

  async findLeadId(lookup: LeadLookup, value: string): Promise<string | undefined> {
    const item = await this.table.get(lookupItemKey(lookup, value));
    return typeof item?.leadId === 'string' ? item.leadId : undefined;
  }

  async claimSignal(marker: SignalMarker, staleBefore: string): Promise<boolean> {
    return this.table.put(
      {
        Item: {
          ...signalItemKey(marker),
          type: 'signal',
          signalId: marker.signalId,
          ...(marker.leadId ? { leadId: marker.leadId } : {}),
          signalType: marker.type,
          source: marker.source,
          claimedAt: marker.claimedAt,
          state: 'applying',
        },
      },
      'attribute_not_exists(pk) OR (#state = :applying AND claimedAt < :stale)',
      { ':applying': 'applying', ':stale': staleBefore },
      { '#state': 'state' },
    );
  }

  async finishSignal(key: SignalKey, at: string, outcome: string): Promise<void> {
    const expression = new Expression().set('state', 'applied').set('appliedAt', at).set('outcome', outcome);
    await this.table.update({
      Key: signalItemKey(key),
      UpdateExpression: expression.update(),
      ExpressionAttributeNames: expression.names,
      ExpressionAttributeValues: expression.values,
    });
  }

  async releaseSignal(key: SignalKey): Promise<void> {
    await this.table.conditionalDelete({
      Key: signalItemKey(key),
      ConditionExpression: '#state = :applying',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':applying': 'applying' },
    });
  }

  /** The phone → lead item, so an inbound text finds its lead; the latest signup with a number owns it. */
  private async linkPhone(lead: Pick<Lead, 'leadId' | 'phone'>): Promise<void> {
    if (lead.phone) await this.linkLead('phone', lead.phone, lead.leadId);
  }

  // Enrollments, their slots and start retries (enrollment-items.ts).
  claimActive(pointer: ActivePointer, replacing?: string) {
    return this.enrollments.claimActive(pointer, replacing);
  }
  releaseActive(leadId: string, cadenceId: string, enrollmentId: string) {
    return this.enrollments.releaseActive(leadId, cadenceId, enrollmentId);
  }
  listActive(leadId: string) {
    return this.enrollments.listActive(leadId);
  }
  putEnrollment(record: EnrollmentRecord) {
    return this.enrollments.putEnrollment(record);
  }
  getEnrollment(leadId: string, enrollmentId: string) {
    return this.enrollments.getEnrollment(leadId, enrollmentId);
  }
  markEnrollmentStarted(leadId: string, enrollmentId: string, at: string, executionArn?: string) {
    return this.enrollments.markEnrollmentStarted(leadId, enrollmentId, at, executionArn);
  }
  scheduleStartRetry(retry: StartRetry) {
    return this.enrollments.scheduleStartRetry(retry);
  }
  dueStartRetries(now: string, limit: number) {
    return this.enrollments.dueStartRetries(now, limit);
  }
  clearStartRetry(retry: StartRetry) {
    return this.enrollments.clearStartRetry(retry);
  }
  markStartFailed(leadId: string, enrollmentId: string, failure: StartFailure) {
    return this.enrollments.markStartFailed(leadId, enrollmentId, failure);
  }
  cancelEnrollment(leadId: string, enrollmentId: string, reason: string, at: string) {
    return this.enrollments.cancelEnrollment(leadId, enrollmentId, reason, at);
  }

  // Touches, claims, the redrive list and tasks (touch-items.ts).
  claimTouch(record: TouchRecord) {
    return this.touches.claimTouch(record);
  }
  finishTouch(key: TouchKey, outcome: TouchOutcome) {
    return this.touches.finishTouch(key, outcome);
  }
  releaseTouch(key: TouchKey) {
    return this.touches.releaseTouch(key);
  }
  getTouch(key: TouchKey) {
    return this.touches.getTouch(key);
  }
  claimMarkersBefore(before: string, limit: number) {
    return this.touches.claimMarkersBefore(before, limit);
  }
  clearClaimMarker(marker: ClaimMarker) {
    return this.touches.clearClaimMarker(marker);
  }
  markTouchUnconfirmed(marker: ClaimMarker, reason: string, at: string) {
    return this.touches.markTouchUnconfirmed(marker, reason, at);
  }
  unconfirmedTouches(limit: number) {
    return this.touches.unconfirmedTouches(limit);
  }
  reclaimUnconfirmed(key: TouchKey, by: string, at: string) {
    return this.touches.reclaimUnconfirmed(key, by, at);
  }
  clearUnconfirmed(key: TouchKey) {
    return this.touches.clearUnconfirmed(key);
  }
  putTask(task: RepTask) {
    return this.touches.putTask(task);
  }

  closeTask(task: TaskId, at: string) {
    return this.touches.closeTask(task, at);
  }
}
