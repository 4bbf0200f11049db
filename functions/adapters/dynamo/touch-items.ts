import type {
  ClaimMarker,
  RepTask,
  TaskId,
  TouchKey,
  TouchOutcome,
  TouchRecord,
} from '../../domain/ports.ts';
import { Expression, strip } from './expression.ts';
import {
  CLAIM_PK,
  claimItemKey,
  lastKeyAt,
  openTaskKey,
  taskKey,
  touchKey,
  UNCONFIRMED_PK,
  unconfirmedItemKey,
} from './keys.ts';
import type { DynamoTable, Item } from './table.ts';

const touchKeyOf = (item: Item): TouchKey => ({
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

/* Touches, their claim markers and the redrive list (§8.3, §8.4), and the tasks a touch leaves for a rep. */
export class TouchItems {
  constructor(private readonly table: DynamoTable) {}

  async claimTouch(record: TouchRecord): Promise<TouchRecord | undefined> {
    const key = touchKey(record);
    // The marker before the claim: a crash in between leaves a marker without a claim, which the sweeper drops.
    const marker =
      record.status === 'claimed' && record.claimedAt
        ? { ...keyFields(record), claimedAt: record.claimedAt }
        : undefined;
    if (marker) await this.putClaimMarker(marker);
    for (let attempt = 0; attempt < 3; attempt++) {
      const claimed = await this.table.put(
        { Item: { ...key, type: 'touch', ...record } },
        // A failed touch may be claimed again: a redrive after the fix must be able to send it.
        'attribute_not_exists(pk) OR #status = :failed',
        { ':failed': 'failed' },
        { '#status': 'status' },
      );
      if (claimed) return undefined;
      const existing = await this.table.get(key);
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
    const old = await this.table.update(
      {
        Key: touchKey(key),
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
    const old = await this.table.conditionalDelete({
      Key: touchKey(key),
      ConditionExpression: '#status = :claimed',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':claimed': 'claimed' },
      ReturnValues: 'ALL_OLD',
    });
    if (old) await this.clearMarkerOf(key, old);
  }

  async getTouch(key: TouchKey): Promise<TouchRecord | undefined> {
    const item = await this.table.get(touchKey(key));
    return item ? strip<TouchRecord>(item) : undefined;
  }

  async claimMarkersBefore(before: string, limit: number): Promise<ClaimMarker[]> {
    const { items } = await this.table.queryPage({
      KeyConditionExpression: 'pk = :pk AND sk <= :upTo',
      ExpressionAttributeValues: { ':pk': CLAIM_PK, ':upTo': lastKeyAt(before) },
      Limit: limit,
    });
    return items.map((item) => ({ ...touchKeyOf(item), claimedAt: String(item.claimedAt) }));
  }

  async clearClaimMarker(marker: ClaimMarker): Promise<void> {
    await this.table.deleteItem(claimItemKey(marker));
  }

  async markTouchUnconfirmed(marker: ClaimMarker, reason: string, at: string): Promise<boolean> {
    // Listed first: a crash before the update leaves an entry the listing skips, never an unlisted touch.
    await this.table.put({
      Item: { ...unconfirmedItemKey(marker), type: 'unconfirmed', ...keyFields(marker), at },
    });
    const expression = new Expression()
      .set('status', 'unconfirmed')
      .set('reason', reason)
      .set('unconfirmedAt', at);
    const claimed = expression.value('claimed');
    const claimedAt = expression.value(marker.claimedAt);
    const status = expression.name('status');
    const changed = await this.table.conditionalUpdate({
      Key: touchKey(marker),
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
    const entries = await this.table.partition(UNCONFIRMED_PK);
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
    const taken = await this.table.conditionalUpdate({
      Key: touchKey(key),
      UpdateExpression: expression.update(),
      ConditionExpression: `${expression.name('status')} = ${unconfirmed}`,
      ExpressionAttributeNames: expression.names,
      ExpressionAttributeValues: expression.values,
    });
    if (!taken) await this.clearClaimMarker(marker);
    return taken;
  }

  async clearUnconfirmed(key: TouchKey): Promise<void> {
    await this.table.deleteItem(unconfirmedItemKey(key));
  }

  async closeTask(task: TaskId, at: string): Promise<void> {
    const key = taskKey(task.leadId, task.enrollmentId, task.stepIndex);
    const item = await this.table.get(key);
    if (item?.status !== 'open') return;
    // The reps' list first: a crash before the lead's item is marked leaves it open, and the retry finishes both.
    await this.table.deleteItem(openTaskKey(item as unknown as RepTask));
    await this.table.update({
      Key: key,
      UpdateExpression: 'SET #status = :done, doneAt = :at',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':done': 'done', ':at': at },
    });
  }

  async putTask(task: RepTask): Promise<void> {
    // The reps' list first, then the lead's own item: a retry of the touch writes both again, to the same keys.
    await this.table.put({ Item: { ...openTaskKey(task), type: 'open-task', status: 'open', ...task } });
    await this.table.put({
      Item: {
        ...taskKey(task.leadId, task.enrollmentId, task.stepIndex),
        type: 'task',
        status: 'open',
        ...task,
      },
    });
  }

  private async putClaimMarker(marker: ClaimMarker): Promise<void> {
    await this.table.put({
      Item: { ...claimItemKey(marker), type: 'claim', ...keyFields(marker), claimedAt: marker.claimedAt },
    });
  }

  /** Removes the marker of the claim `old` was (the item before a finish or a release). */
  private async clearMarkerOf(key: TouchKey, old: Item | undefined): Promise<void> {
    if (old?.status === 'claimed' && typeof old.claimedAt === 'string') {
      await this.clearClaimMarker({ ...key, claimedAt: old.claimedAt });
    }
  }
}
