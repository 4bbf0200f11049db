import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GovernorState, ReputationCounts, TakePlan } from '../../domain/sending-governor.ts';
import type { SendingLedger, TakeAnswer } from '../../domain/sending-governor-service.ts';
import { DynamoTable, type Item, type ItemKey } from './table.ts';

/*
 * The sending governor's items (#15), in their own partition so the Touch's grant is scoped to it by LeadingKeys:
 *
 *   pk        sk                item
 *   SENDING   GOVERNOR          the buckets' tat (email) and smsTat, the sending day and its count, every email's count,
 *                               the pause
 *   SENDING   REP#<nnnnnnnnnn>  the bounces and complaints counted in one block of sends
 *
 * A send is one conditional UpdateItem on GOVERNOR: its condition is the plan's (bucket idle or busy, same day or a
 * new one, under the cap, not paused), so concurrent Lambdas never take more than the bucket and the cap allow.
 */

export const SENDING_PK = 'SENDING';
const GOVERNOR: ItemKey = { pk: SENDING_PK, sk: 'GOVERNOR' };
const REP_PREFIX = 'REP#';
const repKey = (block: number): ItemKey => ({
  pk: SENDING_PK,
  sk: `${REP_PREFIX}${String(block).padStart(10, '0')}`,
});

const num = (value: unknown) => (typeof value === 'number' ? value : undefined);

function toState(item: Item | undefined): GovernorState {
  if (!item) return {};
  const paused = item.paused as { at?: unknown; reason?: unknown } | undefined;
  const tat = num(item.tat);
  const smsTat = num(item.smsTat);
  const sentToday = num(item.sentToday);
  const sends = num(item.sends);
  const floorBlock = num(item.floorBlock);
  return {
    ...(tat !== undefined ? { tat } : {}),
    ...(smsTat !== undefined ? { smsTat } : {}),
    ...(typeof item.day === 'string' ? { day: item.day } : {}),
    ...(sentToday !== undefined ? { sentToday } : {}),
    ...(sends !== undefined ? { sends } : {}),
    ...(floorBlock !== undefined ? { floorBlock } : {}),
    ...(paused && typeof paused.at === 'string'
      ? { paused: { at: paused.at, reason: String(paused.reason ?? '') } }
      : {}),
  };
}

/** The plan as an UpdateItem: the condition carries every rule, so the write is the decision. */
export function takeRequest(plan: TakePlan) {
  const conditions: string[] = [];
  const sets: string[] = [];
  const values: Record<string, unknown> = {};
  // Email's bucket is `tat`, the texts' `smsTat`: one item, so a text's take still sees the pause.
  const names: Record<string, string> = { '#tat': plan.channel === 'sms' ? 'smsTat' : 'tat' };
  if (plan.bucket === 'busy') {
    conditions.push('#tat BETWEEN :now AND :tatLimit');
    sets.push('#tat = #tat + :interval');
    values[':now'] = plan.now;
    values[':tatLimit'] = plan.tatLimit;
    values[':interval'] = plan.interval;
  } else {
    conditions.push(
      plan.bucket === 'idle' ? '(attribute_not_exists(#tat) OR #tat < :now)' : '#tat > :foreignAfter',
    );
    if (plan.bucket === 'foreign') values[':foreignAfter'] = plan.foreignAfter;
    else values[':now'] = plan.now;
    sets.push('#tat = :nextTat');
    values[':nextTat'] = plan.now + plan.interval;
  }
  if (plan.channel === 'email') {
    names['#day'] = 'day';
    values[':one'] = 1;
    values[':today'] = plan.today;
    if (plan.day === 'same') {
      conditions.push('#day = :today');
      sets.push('sentToday = sentToday + :one');
      if (plan.cap !== undefined) {
        conditions.push('sentToday < :cap');
        values[':cap'] = plan.cap;
      }
    } else {
      conditions.push('(attribute_not_exists(#day) OR #day <> :today)');
      sets.push('#day = :today', 'sentToday = :one');
    }
    sets.push('sends = if_not_exists(sends, :zero) + :one');
    values[':zero'] = 0;
  }
  if (plan.pausable) conditions.push('attribute_not_exists(paused)');
  return {
    Key: { ...GOVERNOR },
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

export class DynamoSendingLedger implements SendingLedger {
  private readonly table: DynamoTable;

  constructor(options: { readonly client: DynamoDBDocumentClient; readonly tableName: string }) {
    this.table = new DynamoTable(options.client, options.tableName);
  }

  async take(plan: TakePlan): Promise<TakeAnswer> {
    if (await this.table.conditionalUpdate(takeRequest(plan))) return { taken: true };
    return { taken: false, state: await this.read() };
  }

  async read(): Promise<GovernorState> {
    return toState(await this.table.get(GOVERNOR));
  }

  async count(kind: 'bounce' | 'complaint', block: number): Promise<void> {
    await this.table.update({
      Key: { ...repKey(block) },
      UpdateExpression: 'ADD #kind :one',
      ExpressionAttributeNames: { '#kind': kind === 'bounce' ? 'bounces' : 'complaints' },
      ExpressionAttributeValues: { ':one': 1 },
    });
  }

  async counts(fromBlock: number): Promise<ReputationCounts> {
    let bounces = 0;
    let complaints = 0;
    let next: Record<string, unknown> | undefined;
    do {
      const page = await this.table.queryPage({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': SENDING_PK,
          ':from': repKey(fromBlock).sk,
          ':to': `${REP_PREFIX}~`,
        },
        ...(next ? { ExclusiveStartKey: next } : {}),
      });
      for (const item of page.items) {
        bounces += num(item.bounces) ?? 0;
        complaints += num(item.complaints) ?? 0;
      }
      next = page.next;
    } while (next);
    return { bounces, complaints };
  }

  pause(at: string, reason: string): Promise<boolean> {
    return this.table.conditionalUpdate({
      Key: { ...GOVERNOR },
      UpdateExpression: 'SET paused = :paused',
      ConditionExpression: 'attribute_not_exists(paused)',
      ExpressionAttributeValues: { ':paused': { at, reason } },
    });
  }

  resume(floorBlock: number): Promise<boolean> {
    return this.table.conditionalUpdate({
      Key: { ...GOVERNOR },
      UpdateExpression: 'REMOVE paused SET floorBlock = :floor',
      ConditionExpression: 'attribute_exists(paused)',
      ExpressionAttributeValues: { ':floor': floorBlock },
    });
  }
}
