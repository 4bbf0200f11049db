import type { ActivePointer, EnrollmentRecord, StartFailure, StartRetry } from '../../domain/ports.ts';
import { Expression, strip } from './expression.ts';
import {
  ACTIVE_PREFIX,
  activeKey,
  enrollmentItemKey,
  lastKeyAt,
  leadPk,
  RETRY_PK,
  retryItemKey,
  stuckItemKey,
} from './keys.ts';
import type { DynamoTable } from './table.ts';

/** A start-retry marker: everything in it follows from its key, so writing it again changes nothing. */
export const retryItem = (retry: StartRetry) => ({
  ...retryItemKey(retry),
  type: 'retry',
  leadId: retry.leadId,
  enrollmentId: retry.enrollmentId,
  cadenceId: retry.cadenceId,
  dueAt: new Date(retry.dueAt).toISOString(),
});

/** An enrollment's record, as putEnrollment writes it alone and a started one goes in a batch (lead-items.ts). */
export const enrollmentItem = (record: EnrollmentRecord) => ({
  ...enrollmentItemKey(record.leadId, record.enrollmentId),
  type: 'enrollment',
  ...record,
});

/* A lead's slots and enrollments, and the markers the sweeper and the dashboard find them by (§3.3, §3.4). */
export class EnrollmentItems {
  constructor(private readonly table: DynamoTable) {}

  async claimActive(pointer: ActivePointer, replacing?: string): Promise<ActivePointer | undefined> {
    const key = activeKey(pointer.leadId, pointer.cadenceId);
    // The holder may free the slot between our failed write and our read: then try again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const claimed = await this.table.put(
        { Item: { ...key, type: 'active', ...pointer } },
        replacing === undefined ? 'attribute_not_exists(pk)' : 'enrollmentId = :replacing',
        replacing === undefined ? undefined : { ':replacing': replacing },
      );
      if (claimed) return undefined;
      const holder = await this.table.get(key);
      if (holder) return strip<ActivePointer>(holder);
      replacing = undefined;
    }
    throw new Error(`the enrollment slot of ${pointer.leadId} in ${pointer.cadenceId} keeps changing`);
  }

  async releaseActive(leadId: string, cadenceId: string, enrollmentId: string): Promise<boolean> {
    const deleted = await this.table.conditionalDelete({
      Key: activeKey(leadId, cadenceId),
      ConditionExpression: 'enrollmentId = :id',
      ExpressionAttributeValues: { ':id': enrollmentId },
    });
    return deleted !== false;
  }

  async listActive(leadId: string): Promise<ActivePointer[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': leadPk(leadId), ':prefix': ACTIVE_PREFIX },
    });
    return items.map((item) => strip<ActivePointer>(item));
  }

  async putEnrollment(record: EnrollmentRecord): Promise<void> {
    // Never turn a started enrollment back into a pending one.
    await this.table.put({ Item: enrollmentItem(record) }, 'attribute_not_exists(pk)');
  }

  async getEnrollment(leadId: string, enrollmentId: string): Promise<EnrollmentRecord | undefined> {
    const item = await this.table.get(enrollmentItemKey(leadId, enrollmentId));
    return item ? strip<EnrollmentRecord>(item) : undefined;
  }

  async markEnrollmentStarted(leadId: string, enrollmentId: string, at: string, executionArn?: string) {
    const expression = new Expression().set('status', 'started').set('startedAt', at);
    if (executionArn) expression.set('executionArn', executionArn);
    // Only an enrollment that exists: an update would otherwise create a bare item that reads as one.
    await this.table.update(
      {
        Key: enrollmentItemKey(leadId, enrollmentId),
        UpdateExpression: expression.update(),
        ExpressionAttributeNames: expression.names,
        ExpressionAttributeValues: expression.values,
      },
      'attribute_exists(pk)',
    );
  }

  async scheduleStartRetry(retry: StartRetry): Promise<void> {
    await this.table.put({ Item: retryItem(retry) }, 'attribute_not_exists(pk)');
  }

  async dueStartRetries(now: string, limit: number): Promise<StartRetry[]> {
    const { items } = await this.table.queryPage({
      KeyConditionExpression: 'pk = :pk AND sk <= :upTo',
      ExpressionAttributeValues: { ':pk': RETRY_PK, ':upTo': lastKeyAt(now) },
      Limit: limit,
    });
    return items.map((item) => ({
      leadId: String(item.leadId),
      enrollmentId: String(item.enrollmentId),
      cadenceId: String(item.cadenceId),
      dueAt: String(item.dueAt),
    }));
  }

  async clearStartRetry(retry: StartRetry): Promise<void> {
    await this.table.deleteItem(retryItemKey(retry));
  }

  async markStartFailed(leadId: string, enrollmentId: string, failure: StartFailure): Promise<boolean> {
    const expression = new Expression().set('startAttempts', failure.attempts).set('reason', failure.reason);
    if (failure.retryAt) {
      expression.set('retryAt', failure.retryAt);
      return this.pendingUpdate(leadId, enrollmentId, expression);
    }
    expression.set('status', 'stuck').set('endedAt', failure.at).remove('retryAt');
    // Listed first: a crash before the update leaves an entry the dashboard skips, never an unlisted stuck one.
    const listed = stuckItemKey(leadId, enrollmentId, failure.at);
    await this.table.put({ Item: { ...listed, type: 'stuck', leadId, enrollmentId } });
    const stuck = await this.pendingUpdate(leadId, enrollmentId, expression);
    if (!stuck) await this.table.deleteItem(listed);
    return stuck;
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
    return this.table.conditionalUpdate({
      Key: enrollmentItemKey(leadId, enrollmentId),
      UpdateExpression: expression.update(),
      ConditionExpression: `${expression.name('status')} = ${pending}`,
      ExpressionAttributeNames: expression.names,
      ExpressionAttributeValues: expression.values,
    });
  }
}
