import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { rethrow } from '../aws-errors.ts';
import { toLead } from './expression.ts';
import { leadItemKind, openTaskKey, stuckItemKey } from './keys.ts';
import { Listings } from './listings.ts';
import type { DynamoTable, Item } from './table.ts';

/**
 * The one scan: a table written before the listings, the task list and the stuck list existed (a local data folder
 * from an older version) gets them built from its items, once (reads.ts remembers that it ran). Every write is a put
 * of the item the write path would have made, so running it twice, or beside the engine, changes nothing.
 */
export async function backfillReads(table: DynamoTable): Promise<void> {
  const listings = new Listings(table);
  let start: Record<string, unknown> | undefined;
  do {
    let page: { Items?: Item[]; LastEvaluatedKey?: Record<string, unknown> };
    try {
      page = await table.client.send(
        new ScanCommand({ TableName: table.name, ConsistentRead: true, ExclusiveStartKey: start }),
      );
    } catch (error) {
      return rethrow(error, 'DynamoDB');
    }
    for (const item of page.Items ?? []) await indexItem(table, listings, item);
    start = page.LastEvaluatedKey;
  } while (start);
}

async function indexItem(table: DynamoTable, listings: Listings, item: Item): Promise<void> {
  switch (leadItemKind(String(item.sk))) {
    case 'lead':
      return listings.list(toLead(item));
    case 'task': {
      const { pk: _pk, sk: _sk, type: _type, ...task } = item;
      const key = openTaskKey({
        leadId: String(item.leadId),
        enrollmentId: String(item.enrollmentId),
        stepIndex: Number(item.stepIndex),
        dueAt: String(item.dueAt),
      });
      await table.put({ Item: { ...key, type: 'open-task', ...task } });
      return;
    }
    case 'enrollment':
      if (item.status === 'stuck' && typeof item.endedAt === 'string') {
        const leadId = String(item.leadId);
        const enrollmentId = String(item.enrollmentId);
        await table.put({
          Item: { ...stuckItemKey(leadId, enrollmentId, item.endedAt), type: 'stuck', leadId, enrollmentId },
        });
      }
      return;
    default:
      return;
  }
}
