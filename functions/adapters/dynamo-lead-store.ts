import { createHash } from 'node:crypto';
import {
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Lead, LeadProfile, LeadStatus } from '../domain/lead.ts';
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
} from '../domain/ports.ts';
import { rethrow } from './aws-errors.ts';

/*
 * The single table (docs/architecture.md §5.1). Everything about a lead shares its partition, so one Query shows the
 * rep the whole story; suppressions have their own partitions, keyed by a hash, never by the address:
 *
 *   pk                 sk                              item
 *   LEAD#<leadId>      LEAD                            the lead
 *   LEAD#<leadId>      ACTIVE#<cadenceId>              the running enrollment in that cadence (at most one)
 *   LEAD#<leadId>      ENR#<enrollmentId>              an enrollment and its exact execution input
 *   LEAD#<leadId>      TOUCH#<enrollmentId>#<step>     a touch: claimed, sent, skipped, failed or unconfirmed
 *   LEAD#<leadId>      TASK#<enrollmentId>#<step>      a call or manual step for the owner
 *   LEAD#<leadId>      EVENT#<iso>#<kind>#<digest>     a status change or other dated fact, with its source
 *   LEAD#<leadId>      SIGNAL#<signalId>               a signal's idempotency marker: applying, then applied
 *   SIGNAL#<signalId>  SIGNAL#<signalId>               the marker of a signal that matched no lead
 *   SUPPRESS#<sha256>  SUPPRESS                        an address nothing may be sent to
 *   PHONE#<sha256>     PHONE                           the lead a phone number (E.164) belongs to
 *   CART#<sha256>      CART                            the lead a shop's cart belongs to
 *   AGG#<cadence>#<yyyy-mm>  TOUCH#<nnn> | CLOSED      report counters (see dynamo-aggregates.ts)
 *   AGG                MONTH#<yyyy-mm>#<cadence>       which cadences have counters in which month
 *   RETRY              <dueAt>#<leadId>#<enrollmentId> an enrollment whose start the sweeper retries once due
 *   CLAIM              <claimedAt>#<leadId>#<enrollmentId>#<step>
 *                                                      a touch claimed and not finished: the sweeper gives up old ones
 *   UNCONFIRMED        <leadId>#<enrollmentId>#<step>  a touch that may or may not have gone out, for a redrive
 *
 * No transactions (dynalite has none): every multi-item change is ordered so a crash between writes is repaired by
 * the retry. No TTL is needed for correctness.
 */

const leadPk = (leadId: string) => `LEAD#${leadId}`;
export const enrollmentItemKey = (leadId: string, enrollmentId: string) => ({
  pk: leadPk(leadId),
  sk: `ENR#${enrollmentId}`,
});
const LEAD_SK = 'LEAD';
const touchSk = (key: TouchKey) => `TOUCH#${key.enrollmentId}#${String(key.stepIndex).padStart(3, '0')}`;
const taskSk = (enrollmentId: string, stepIndex: number) =>
  `TASK#${enrollmentId}#${String(stepIndex).padStart(3, '0')}`;
export const suppressionItemKey = (hash: string) => ({ pk: `SUPPRESS#${hash}`, sk: 'SUPPRESS' });
const LOOKUP_SK: Readonly<Record<LeadLookup, string>> = { phone: 'PHONE', cart: 'CART' };
/** A phone's key hashes the E.164 number, as its suppression key does: no number in a key. */
export const lookupItemKey = (lookup: LeadLookup, value: string) => {
  const sk = LOOKUP_SK[lookup];
  return { pk: `${sk}#${createHash('sha256').update(value.trim()).digest('hex')}`, sk };
};
const signalItemKey = (key: SignalKey) => ({
  pk: key.leadId ? leadPk(key.leadId) : `SIGNAL#${key.signalId}`,
  sk: `SIGNAL#${key.signalId}`,
});

/** One partition holds every due-retry marker, sorted by when it is due: one Query reads all that are due. */
const RETRY_PK = 'RETRY';
const retryItemKey = (retry: StartRetry) => ({
  pk: RETRY_PK,
  // One spelling per instant ("…T15:00:00.000Z"): the sort key orders by time only if every key spells it alike.
  sk: `${new Date(retry.dueAt).toISOString()}#${retry.leadId}#${retry.enrollmentId}`,
});

/** One partition of claim markers, sorted by when the claim was taken: one Query reads every old one. */
const CLAIM_PK = 'CLAIM';
const stepPart = (stepIndex: number) => String(stepIndex).padStart(3, '0');
const claimItemKey = (marker: ClaimMarker) => ({
  pk: CLAIM_PK,
  sk: `${new Date(marker.claimedAt).toISOString()}#${marker.leadId}#${marker.enrollmentId}#${stepPart(marker.stepIndex)}`,
});
/** The redrive list: one partition, read whole by the CLI and the dashboard; it holds only what awaits a person. */
const UNCONFIRMED_PK = 'UNCONFIRMED';
const unconfirmedItemKey = (key: TouchKey) => ({
  pk: UNCONFIRMED_PK,
  sk: `${key.leadId}#${key.enrollmentId}#${stepPart(key.stepIndex)}`,
});
const touchKeyOf = (item: Record<string, unknown>): TouchKey => ({
  leadId: String(item.leadId),
  enrollmentId: String(item.enrollmentId),
  stepIndex: Number(item.stepIndex),
});
/** Only the key of a touch, marker or record: what a marker item stores besides its own fields. */
const keyFields = ({ leadId, enrollmentId, stepIndex }: TouchKey): TouchKey => ({
  leadId,
  enrollmentId,
  stepIndex,
});

/**
 * Chronological, and one item per distinct event: two events of one kind at one instant both stay, while a retry
 * writing the same event again lands on the same item.
 */
const eventSk = (event: LeadEvent) =>
  `EVENT#${event.at}#${event.kind}#${createHash('sha256').update(JSON.stringify(event)).digest('hex').slice(0, 12)}`;

const KEY_FIELDS = new Set(['pk', 'sk', 'type']);

function strip<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_FIELDS.has(k))) as T;
}

function toLead(item: Record<string, unknown>): Lead {
  const lead = strip<Lead>(item);
  return {
    ...lead,
    touchCount: lead.touchCount ?? 0,
    smsCount: lead.smsCount ?? 0,
    recentSends: lead.recentSends ?? [],
    sendsVersion: lead.sendsVersion ?? 0,
  };
}

const isConditionFailed = (error: unknown) =>
  (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

/** Builds `SET a = :a, b = if_not_exists(b, :b)` with placeholder names, so reserved words (name, status) are safe. */
class Expression {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private count = 0;

  name(attribute: string): string {
    const placeholder = `#${attribute.replace(/[^A-Za-z0-9_]/g, '_')}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${this.count++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  set(attribute: string, value: unknown): this {
    this.sets.push(`${this.name(attribute)} = ${this.value(value)}`);
    return this;
  }

  setIfAbsent(attribute: string, value: unknown): this {
    const name = this.name(attribute);
    this.sets.push(`${name} = if_not_exists(${name}, ${this.value(value)})`);
    return this;
  }

  increment(attribute: string): this {
    const name = this.name(attribute);
    this.sets.push(`${name} = if_not_exists(${name}, ${this.value(0)}) + ${this.value(1)}`);
    return this;
  }

  remove(attribute: string): this {
    this.removes.push(this.name(attribute));
    return this;
  }

  update(): string {
    const clauses = [
      ...(this.sets.length > 0 ? [`SET ${this.sets.join(', ')}`] : []),
      ...(this.removes.length > 0 ? [`REMOVE ${this.removes.join(', ')}`] : []),
    ];
    return clauses.join(' ');
  }
}

export interface DynamoLeadStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export class DynamoLeadStore implements LeadStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(options: DynamoLeadStoreOptions) {
    this.client = options.client;
    this.table = options.tableName;
  }

  async upsertLead({ create, replace, fill }: LeadUpsert): Promise<{ lead: Lead; created: boolean }> {
    const key = { pk: leadPk(create.leadId), sk: LEAD_SK };
    // Deleted between the two writes (an erasure request racing a signup): the second round creates it afresh.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await this.put({ Item: { ...key, type: 'lead', ...create } }, 'attribute_not_exists(pk)')) {
        await this.linkPhone(create);
        return { lead: create, created: true };
      }
      const expression = new Expression().set('updatedAt', create.updatedAt);
      for (const [field, value] of Object.entries(replace)) expression.set(field, value);
      for (const [field, value] of Object.entries(fill as Partial<LeadProfile>)) {
        if (!(field in replace)) expression.setIfAbsent(field, value);
      }
      const updated = await this.update(
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
        return { lead, created: false };
      }
    }
    throw new Error(`the lead ${create.leadId} keeps appearing and disappearing`);
  }

  async getLead(leadId: string): Promise<Lead | undefined> {
    const item = await this.get(leadPk(leadId), LEAD_SK);
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
    const changed = await this.conditionalUpdate({
      Key: { pk: leadPk(leadId), sk: LEAD_SK },
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
    if (update === '') return (await this.get(leadPk(leadId), LEAD_SK)) !== undefined;
    return this.conditionalUpdate({
      Key: { pk: leadPk(leadId), sk: LEAD_SK },
      UpdateExpression: update,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: expression.names,
      ...(Object.keys(expression.values).length > 0 ? { ExpressionAttributeValues: expression.values } : {}),
    });
  }

  async recordEvent(leadId: string, event: LeadEvent): Promise<void> {
    await this.put({
      Item: { pk: leadPk(leadId), sk: eventSk(event), type: 'event', leadId, ...event },
    });
  }

  async isSuppressed(keys: readonly string[]): Promise<boolean> {
    const found = await Promise.all(keys.map((hash) => this.get(suppressionItemKey(hash).pk, 'SUPPRESS')));
    return found.some((item) => item !== undefined);
  }

  async claimActive(pointer: ActivePointer, replacing?: string): Promise<ActivePointer | undefined> {
    const key = { pk: leadPk(pointer.leadId), sk: `ACTIVE#${pointer.cadenceId}` };
    // The holder may free the slot between our failed write and our read: then try again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const claimed = await this.put(
        { Item: { ...key, type: 'active', ...pointer } },
        replacing === undefined ? 'attribute_not_exists(pk)' : 'enrollmentId = :replacing',
        replacing === undefined ? undefined : { ':replacing': replacing },
      );
      if (claimed) return undefined;
      const holder = await this.get(key.pk, key.sk);
      if (holder) return strip<ActivePointer>(holder);
      replacing = undefined;
    }
    throw new Error(`the enrollment slot of ${pointer.leadId} in ${pointer.cadenceId} keeps changing`);
  }

  async releaseActive(leadId: string, cadenceId: string, enrollmentId: string): Promise<boolean> {
    return this.conditionalDelete({
      Key: { pk: leadPk(leadId), sk: `ACTIVE#${cadenceId}` },
      ConditionExpression: 'enrollmentId = :id',
      ExpressionAttributeValues: { ':id': enrollmentId },
    });
  }

  async listActive(leadId: string): Promise<ActivePointer[]> {
    try {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': leadPk(leadId), ':prefix': 'ACTIVE#' },
          ConsistentRead: true,
        }),
      );
      return (result.Items ?? []).map((item) => strip<ActivePointer>(item));
    } catch (error) {
      return rethrow(error, 'DynamoDB');
    }
  }

  async putEnrollment(record: EnrollmentRecord): Promise<void> {
    // Never turn a started enrollment back into a pending one.
    await this.put(
      {
        Item: { pk: leadPk(record.leadId), sk: `ENR#${record.enrollmentId}`, type: 'enrollment', ...record },
      },
      'attribute_not_exists(pk)',
    );
  }

  async getEnrollment(leadId: string, enrollmentId: string): Promise<EnrollmentRecord | undefined> {
    const item = await this.get(leadPk(leadId), `ENR#${enrollmentId}`);
    return item ? strip<EnrollmentRecord>(item) : undefined;
  }

  async markEnrollmentStarted(leadId: string, enrollmentId: string, at: string, executionArn?: string) {
    const expression = new Expression().set('status', 'started').set('startedAt', at);
    if (executionArn) expression.set('executionArn', executionArn);
    // Only an enrollment that exists: an update would otherwise create a bare item that reads as one.
    await this.update(
      {
        Key: { pk: leadPk(leadId), sk: `ENR#${enrollmentId}` },
        UpdateExpression: expression.update(),
        ExpressionAttributeNames: expression.names,
        ExpressionAttributeValues: expression.values,
      },
      'attribute_exists(pk)',
    );
  }

  async scheduleStartRetry(retry: StartRetry): Promise<void> {
    await this.put(
      {
        Item: {
          ...retryItemKey(retry),
          type: 'retry',
          leadId: retry.leadId,
          enrollmentId: retry.enrollmentId,
          cadenceId: retry.cadenceId,
          dueAt: new Date(retry.dueAt).toISOString(),
        },
      },
      'attribute_not_exists(pk)',
    );
  }

  async dueStartRetries(now: string, limit: number): Promise<StartRetry[]> {
    try {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          // "~" sorts after every character of an id: the last key due at `now`.
          KeyConditionExpression: 'pk = :pk AND sk <= :upTo',
          ExpressionAttributeValues: { ':pk': RETRY_PK, ':upTo': `${new Date(now).toISOString()}#~` },
          ConsistentRead: true,
          Limit: limit,
        }),
      );
      return (result.Items ?? []).map((item) => ({
        leadId: String(item.leadId),
        enrollmentId: String(item.enrollmentId),
        cadenceId: String(item.cadenceId),
        dueAt: String(item.dueAt),
      }));
    } catch (error) {
      return rethrow(error, 'DynamoDB');
    }
  }

  async clearStartRetry(retry: StartRetry): Promise<void> {
    await this.deleteItem(retryItemKey(retry));
  }

  async markStartFailed(leadId: string, enrollmentId: string, failure: StartFailure): Promise<boolean> {
    const expression = new Expression().set('startAttempts', failure.attempts).set('reason', failure.reason);
    if (failure.retryAt) expression.set('retryAt', failure.retryAt);
    else expression.set('status', 'stuck').set('endedAt', failure.at).remove('retryAt');
    return this.pendingUpdate(leadId, enrollmentId, expression);
  }

  async cancelEnrollment(leadId: string, enrollmentId: string, reason: string, at: string): Promise<boolean> {
    const expression = new Expression()
      .set('status', 'cancelled')
      .set('reason', reason)
      .set('endedAt', at)
      .remove('retryAt');
    return this.pendingUpdate(leadId, enrollmentId, expression);
  }

  /** An update of an enrollment that is still pending: a start that got there first is never overwritten. */
  private pendingUpdate(leadId: string, enrollmentId: string, expression: Expression): Promise<boolean> {
    const pending = expression.value('pending');
    return this.conditionalUpdate({
      Key: enrollmentItemKey(leadId, enrollmentId),
      UpdateExpression: expression.update(),
      ConditionExpression: `${expression.name('status')} = ${pending}`,
      ExpressionAttributeNames: expression.names,
      ExpressionAttributeValues: expression.values,
    });
  }

  async setNextTouch(leadId: string, at: string, now: string): Promise<void> {
    await this.conditionalUpdate({
      Key: { pk: leadPk(leadId), sk: LEAD_SK },
      UpdateExpression: 'SET nextTouchAt = :at',
      // The earliest future touch across the lead's cadences wins; a past one is replaced.
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(nextTouchAt) OR nextTouchAt > :at OR nextTouchAt <= :now)',
      // One spelling per instant ("…T15:00:00.000Z"): the condition compares strings.
      ExpressionAttributeValues: { ':at': new Date(at).toISOString(), ':now': new Date(now).toISOString() },
    });
  }

  async claimTouch(record: TouchRecord): Promise<TouchRecord | undefined> {
    const key = { pk: leadPk(record.leadId), sk: touchSk(record) };
    // The marker before the claim: a crash in between leaves a marker without a claim, which the sweeper drops.
    const marker =
      record.status === 'claimed' && record.claimedAt
        ? { ...keyFields(record), claimedAt: record.claimedAt }
        : undefined;
    if (marker) await this.putClaimMarker(marker);
    for (let attempt = 0; attempt < 3; attempt++) {
      const claimed = await this.put(
        { Item: { ...key, type: 'touch', ...record } },
        // A failed touch may be claimed again: a redrive after the fix must be able to send it.
        'attribute_not_exists(pk) OR #status = :failed',
        { ':failed': 'failed' },
        { '#status': 'status' },
      );
      if (claimed) return undefined;
      const existing = await this.get(key.pk, key.sk);
      if (existing) {
        if (marker) await this.clearClaimMarker(marker);
        return strip<TouchRecord>(existing);
      }
    }
    throw new Error(`the touch ${key.sk} of ${record.leadId} keeps changing`);
  }

  async finishTouch(key: TouchKey, outcome: TouchOutcome): Promise<void> {
    const expression = new Expression();
    for (const [field, value] of Object.entries(outcome)) expression.set(field, value);
    // Only a claimed touch is finished: an update would otherwise create a touch with an outcome and no claim.
    const old = await this.update(
      {
        Key: { pk: leadPk(key.leadId), sk: touchSk(key) },
        UpdateExpression: expression.update(),
        ExpressionAttributeNames: expression.names,
        ExpressionAttributeValues: expression.values,
        ReturnValues: 'ALL_OLD',
      },
      'attribute_exists(pk)',
    );
    if (old) await this.clearMarkerOf(key, old);
  }

  async releaseTouch(key: TouchKey): Promise<void> {
    try {
      const { Attributes: old } = await this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: leadPk(key.leadId), sk: touchSk(key) },
          ConditionExpression: '#status = :claimed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':claimed': 'claimed' },
          ReturnValues: 'ALL_OLD',
        }),
      );
      await this.clearMarkerOf(key, old);
    } catch (error) {
      if (!isConditionFailed(error)) rethrow(error, 'DynamoDB');
    }
  }

  async getTouch(key: TouchKey): Promise<TouchRecord | undefined> {
    const item = await this.get(leadPk(key.leadId), touchSk(key));
    return item ? strip<TouchRecord>(item) : undefined;
  }

  async claimMarkersBefore(before: string, limit: number): Promise<ClaimMarker[]> {
    // "~" sorts after every character of an id: the last key claimed at `before`.
    const items = await this.query(CLAIM_PK, { upTo: `${new Date(before).toISOString()}#~` }, limit);
    return items.map((item) => ({ ...touchKeyOf(item), claimedAt: String(item.claimedAt) }));
  }

  async clearClaimMarker(marker: ClaimMarker): Promise<void> {
    await this.deleteItem(claimItemKey(marker));
  }

  async markTouchUnconfirmed(marker: ClaimMarker, reason: string, at: string): Promise<boolean> {
    // Listed first: a crash before the update leaves an entry the listing skips, never an unlisted touch.
    await this.put({
      Item: {
        ...unconfirmedItemKey(marker),
        type: 'unconfirmed',
        ...keyFields(marker),
        at,
      },
    });
    const expression = new Expression()
      .set('status', 'unconfirmed')
      .set('reason', reason)
      .set('unconfirmedAt', at);
    const claimed = expression.value('claimed');
    const claimedAt = expression.value(marker.claimedAt);
    const status = expression.name('status');
    const changed = await this.conditionalUpdate({
      Key: { pk: leadPk(marker.leadId), sk: touchSk(marker) },
      UpdateExpression: expression.update(),
      // Records from before claimedAt existed were claimed at their `at`.
      ConditionExpression: `${status} = ${claimed} AND (${expression.name('claimedAt')} = ${claimedAt} OR (attribute_not_exists(${expression.name('claimedAt')}) AND ${expression.name('at')} = ${claimedAt}))`,
      ExpressionAttributeNames: expression.names,
      ExpressionAttributeValues: expression.values,
    });
    if (changed) await this.clearClaimMarker(marker);
    return changed;
  }

  async unconfirmedTouches(limit: number): Promise<TouchRecord[]> {
    // The list is short (touches a person must check), but an entry can outlive its touch's state (a redrive in
    // progress, a write that failed half way): read it whole, keep the touches still unconfirmed, oldest first.
    const entries = await this.queryAll(UNCONFIRMED_PK);
    const touches = await Promise.all(entries.map((entry) => this.getTouch(touchKeyOf(entry))));
    return touches
      .filter((t): t is TouchRecord => t?.status === 'unconfirmed')
      .sort((a, b) => (a.claimedAt ?? a.at).localeCompare(b.claimedAt ?? b.at))
      .slice(0, limit);
  }

  async reclaimUnconfirmed(key: TouchKey, by: string, at: string): Promise<boolean> {
    const marker = { ...key, claimedAt: at };
    await this.putClaimMarker(marker);
    const expression = new Expression()
      .set('status', 'claimed')
      .set('claimedAt', at)
      .set('redrivenBy', by)
      .set('redrivenAt', at)
      .remove('reason');
    const unconfirmed = expression.value('unconfirmed');
    const taken = await this.conditionalUpdate({
      Key: { pk: leadPk(key.leadId), sk: touchSk(key) },
      UpdateExpression: expression.update(),
      ConditionExpression: `${expression.name('status')} = ${unconfirmed}`,
      ExpressionAttributeNames: expression.names,
      ExpressionAttributeValues: expression.values,
    });
    if (!taken) await this.clearClaimMarker(marker);
    return taken;
  }

  async clearUnconfirmed(key: TouchKey): Promise<void> {
    await this.deleteItem(unconfirmedItemKey(key));
  }

  private async putClaimMarker(marker: ClaimMarker): Promise<void> {
    await this.put({
      Item: {
        ...claimItemKey(marker),
        type: 'claim',
        ...keyFields(marker),
        claimedAt: marker.claimedAt,
      },
    });
  }

  /** Removes the marker of the claim `old` was (the item before a finish or a release). */
  private async clearMarkerOf(key: TouchKey, old: Record<string, unknown> | undefined): Promise<void> {
    if (old?.status === 'claimed' && typeof old.claimedAt === 'string') {
      await this.clearClaimMarker({ ...key, claimedAt: old.claimedAt });
    }
  }

  async reserveSends(leadId: string, version: number, recentSends: readonly string[]): Promise<boolean> {
    return this.conditionalUpdate({
      Key: { pk: leadPk(leadId), sk: LEAD_SK },
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
    const old = await this.update(
      {
        Key: { pk: leadPk(leadId), sk: LEAD_SK },
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

  async putTask(task: RepTask): Promise<void> {
    await this.put({
      Item: {
        pk: leadPk(task.leadId),
        sk: taskSk(task.enrollmentId, task.stepIndex),
        type: 'task',
        status: 'open',
        ...task,
      },
    });
  }

  async suppress(keys: readonly string[], suppression: Suppression): Promise<void> {
    // The first reason stays: a later unsubscribe does not turn a complaint into something START can undo.
    for (const hash of keys) {
      await this.put(
        { Item: { ...suppressionItemKey(hash), type: 'suppression', ...suppression } },
        'attribute_not_exists(pk)',
      );
    }
  }

  async unsuppress(key: string, reason: string): Promise<boolean> {
    return this.conditionalDelete({
      Key: suppressionItemKey(key),
      ConditionExpression: '#reason = :reason',
      ExpressionAttributeNames: { '#reason': 'reason' },
      ExpressionAttributeValues: { ':reason': reason },
    });
  }

  async linkLead(lookup: LeadLookup, value: string, leadId: string): Promise<void> {
    await this.put({ Item: { ...lookupItemKey(lookup, value), type: 'lookup', leadId } });
  }

  async findLeadId(lookup: LeadLookup, value: string): Promise<string | undefined> {
    const { pk, sk } = lookupItemKey(lookup, value);
    const item = await this.get(pk, sk);
    return typeof item?.leadId === 'string' ? item.leadId : undefined;
  }

  async claimSignal(marker: SignalMarker, staleBefore: string): Promise<boolean> {
    return this.put(
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
    await this.update({
      Key: signalItemKey(key),
      UpdateExpression: expression.update(),
      ExpressionAttributeNames: expression.names,
      ExpressionAttributeValues: expression.values,
    });
  }

  async releaseSignal(key: SignalKey): Promise<void> {
    await this.conditionalDelete({
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

  private async get(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    try {
      const result = await this.client.send(
        new GetCommand({ TableName: this.table, Key: { pk, sk }, ConsistentRead: true }),
      );
      return result.Item;
    } catch (error) {
      return rethrow(error, 'DynamoDB');
    }
  }

  private async deleteItem(key: { pk: string; sk: string }): Promise<void> {
    try {
      await this.client.send(new DeleteCommand({ TableName: this.table, Key: key }));
    } catch (error) {
      rethrow(error, 'DynamoDB');
    }
  }

  /** The items of one marker partition, in key order, up to `upTo` when given: a Query, never a scan. */
  /** Every item of a partition, page by page. */
  private async queryAll(pk: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
    } catch (error) {
      return rethrow(error, 'DynamoDB');
    }
    return items;
  }

  private async query(
    pk: string,
    range: { readonly upTo?: string },
    limit: number,
  ): Promise<Record<string, unknown>[]> {
    try {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: range.upTo ? 'pk = :pk AND sk <= :upTo' : 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk, ...(range.upTo ? { ':upTo': range.upTo } : {}) },
          ConsistentRead: true,
          Limit: limit,
        }),
      );
      return result.Items ?? [];
    } catch (error) {
      return rethrow(error, 'DynamoDB');
    }
  }

  /** A put; with a condition, false when the condition failed. */
  private async put(
    input: Omit<PutCommandInput, 'TableName'>,
    condition?: string,
    values?: Record<string, unknown>,
    names?: Record<string, string>,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          ...input,
          ...(condition ? { ConditionExpression: condition } : {}),
          ...(values ? { ExpressionAttributeValues: values } : {}),
          ...(names ? { ExpressionAttributeNames: names } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (condition && isConditionFailed(error)) return false;
      return rethrow(error, 'DynamoDB');
    }
  }

  /** An update returning the new item if asked; with a condition, undefined when the condition failed. */
  private async update(
    input: Omit<UpdateCommandInput, 'TableName'>,
    condition?: string,
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          ...input,
          ...(condition ? { ConditionExpression: condition } : {}),
        }),
      );
      return result.Attributes ?? {};
    } catch (error) {
      if (condition && isConditionFailed(error)) return undefined;
      return rethrow(error, 'DynamoDB');
    }
  }

  private async conditionalUpdate(input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand({ TableName: this.table, ...input }));
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      return rethrow(error, 'DynamoDB');
    }
  }

  private async conditionalDelete(input: Omit<DeleteCommandInput, 'TableName'>): Promise<boolean> {
    try {
      await this.client.send(new DeleteCommand({ TableName: this.table, ...input }));
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      return rethrow(error, 'DynamoDB');
    }
  }
}
