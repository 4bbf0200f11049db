import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AggregateRow,
  type AggregateSlot,
  COUNTERS,
  type Counter,
  type Counts,
} from '../core/report.ts';
import type {
  AggregateKey,
  AggregateQuery,
  Aggregates,
  EnrollmentMarks,
  MarkedEnrollment,
} from '../domain/report-ports.ts';
import { rethrow } from './aws-errors.ts';
import { AGG_PK as AGG, enrollmentItemKey } from './dynamo/keys.ts';

/*
 * The report's counters in the single table (docs/architecture.md §5.1), next to the leads:
 *
 *   pk                        sk                          item
 *   AGG#<cadence>#<yyyy-mm>   TOUCH#<nnn>                 counters of the leads' n-th touches made by the cadence
 *   AGG#<cadence>#<yyyy-mm>   CLOSED                      deals won that month (by win date)
 *   AGG#<cadence>#<yyyy-mm>   SPEED#<owner>               speed-to-lead histograms of the owner's leads ("" for none)
 *   AGG#<cadence>#<yyyy-mm>   VARIANT#<step>/<variant>    a step variant's sends and the answers credited to it
 *   AGG#<cadence>#<yyyy-mm>   HOLDOUT                     the cadence's held-out and treated leads and their deals
 *   AGG                       MONTH#<yyyy-mm>#<cadence>   an index: which cadence has counters in which month
 *
 * Counters only ever grow by `ADD`, which DynamoDB applies atomically, so concurrent touches and signals never lose
 * a count. A report reads the index, then one partition per cadence × month: its cost follows cadences × months,
 * never the number of leads, and nothing is scanned.
 */

const partition = (cadenceId: string, month: string) => `${AGG}#${cadenceId}#${month}`;
function slotSk(slot: AggregateSlot, owner = ''): string {
  if (slot === 'closed') return 'CLOSED';
  if (slot === 'speed') return `SPEED#${owner}`;
  if (slot === 'variant') return `VARIANT#${owner}`;
  if (slot === 'holdout') return 'HOLDOUT';
  return `TOUCH#${String(slot).padStart(3, '0')}`;
}
const indexSk = (month: string, cadenceId: string) => `MONTH#${month}#${cadenceId}`;
const INDEX_ITEM = /^MONTH#(\d{4}-\d{2})#(.+)$/;

function slotOf(sk: string): { slot: AggregateSlot; owner?: string } | undefined {
  if (sk === 'CLOSED') return { slot: 'closed' };
  if (sk.startsWith('SPEED#')) return { slot: 'speed', owner: sk.slice('SPEED#'.length) };
  if (sk.startsWith('VARIANT#')) return { slot: 'variant', owner: sk.slice('VARIANT#'.length) };
  if (sk === 'HOLDOUT') return { slot: 'holdout' };
  const touch = /^TOUCH#(\d+)$/.exec(sk);
  return touch ? { slot: Number(touch[1]) } : undefined;
}

/** The enrollment as an ALL_OLD answer holds it: what speed to lead is timed from. */
function markedEnrollment(old: Record<string, unknown>): MarkedEnrollment | undefined {
  const { cadenceId, enrolledAt, source } = old;
  return typeof cadenceId === 'string' && typeof enrolledAt === 'string'
    ? { cadenceId, enrolledAt, source: typeof source === 'string' ? source : '' }
    : undefined;
}

const isConditionFailed = (error: unknown) =>
  (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

export interface DynamoAggregatesOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Partitions read at once by a report. */
  readonly readConcurrency?: number;
}

export class DynamoAggregates implements Aggregates {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly readConcurrency: number;
  /** Index entries this process has written: one write per cadence × month per cold start, not per count. */
  private readonly indexed = new Set<string>();

  constructor(options: DynamoAggregatesOptions) {
    this.client = options.client;
    this.table = options.tableName;
    this.readConcurrency = options.readConcurrency ?? 8;
  }

  async add(key: AggregateKey, counts: Partial<Record<Counter, number>>): Promise<void> {
    const entries = Object.entries(counts).filter(([, value]) => value !== undefined && value !== 0);
    if (entries.length === 0) return;
    await this.index(key.cadenceId, key.month);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':type': 'aggregate',
      ':cadence': key.cadenceId,
      ':month': key.month,
    };
    const adds = entries.map(([counter, value], i) => {
      names[`#c${i}`] = counter;
      values[`:c${i}`] = value;
      return `#c${i} :c${i}`;
    });
    await this.attempt(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: partition(key.cadenceId, key.month), sk: slotSk(key.slot, key.owner) },
          UpdateExpression: `SET #type = :type, cadenceId = :cadence, #month = :month ADD ${adds.join(', ')}`,
          ExpressionAttributeNames: { ...names, '#type': 'type', '#month': 'month' },
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async markEnrollment(
    leadId: string,
    enrollmentId: string,
    at: string,
    ask: { readonly reachedTwo: boolean },
  ): Promise<EnrollmentMarks> {
    const sets = ['firstTouchAt = if_not_exists(firstTouchAt, :at)'];
    if (ask.reachedTwo) sets.push('reachedTwoAt = if_not_exists(reachedTwoAt, :at)');
    try {
      // The old item of the same write says which marks were not there (exactly one caller sets each) and when
      // the enrollment started, for speed to lead, at no extra request.
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: enrollmentItemKey(leadId, enrollmentId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const old = result.Attributes ?? {};
      const first = old.firstTouchAt === undefined;
      const enrollment = first ? markedEnrollment(old) : undefined;
      return {
        first,
        reachedTwo: ask.reachedTwo && old.reachedTwoAt === undefined,
        ...(enrollment ? { enrollment } : {}),
      };
    } catch (error) {
      // No enrollment record (never happens for an enrolled lead): nothing is marked, nothing counted twice.
      if (isConditionFailed(error)) return { first: false, reachedTwo: false };
      return rethrow(error, 'DynamoDB');
    }
  }

  async markHumanTouch(
    leadId: string,
    enrollmentId: string,
    at: string,
  ): Promise<MarkedEnrollment | undefined> {
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: enrollmentItemKey(leadId, enrollmentId),
          UpdateExpression: 'SET humanTouchAt = if_not_exists(humanTouchAt, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const old = result.Attributes ?? {};
      return old.humanTouchAt === undefined ? markedEnrollment(old) : undefined;
    } catch (error) {
      if (isConditionFailed(error)) return undefined;
      return rethrow(error, 'DynamoDB');
    }
  }

  async read(query: AggregateQuery = {}): Promise<AggregateRow[]> {
    const wanted = query.cadenceIds ? new Set(query.cadenceIds) : undefined;
    const pairs = (
      await this.queryAll(AGG, {
        from: indexSk(query.since ?? '0000-00', ''),
        // "~" sorts after every cadence id ([a-z0-9-]).
        to: indexSk(query.until ?? '9999-99', '~'),
      })
    )
      .map((item) => INDEX_ITEM.exec(String(item.sk)))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => ({ month: match[1] as string, cadenceId: match[2] as string }))
      .filter((pair) => !wanted || wanted.has(pair.cadenceId));

    const rows: AggregateRow[] = [];
    let next = 0;
    const worker = async () => {
      while (next < pairs.length) {
        const { cadenceId, month } = pairs[next++] as { cadenceId: string; month: string };
        for (const item of await this.queryAll(partition(cadenceId, month))) {
          const slot = slotOf(String(item.sk));
          if (slot === undefined) continue;
          const counts: Partial<Record<Counter, number>> = {};
          for (const counter of COUNTERS) {
            if (typeof item[counter] === 'number') counts[counter] = item[counter] as number;
          }
          rows.push({ cadenceId, month, ...slot, counts: counts as Partial<Counts> });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.readConcurrency, pairs.length) }, worker));
    return rows;
  }

  /** Notes that the cadence has counters in the month; a put of the same item is idempotent. */
  private async index(cadenceId: string, month: string): Promise<void> {
    const sk = indexSk(month, cadenceId);
    if (this.indexed.has(sk)) return;
    await this.attempt(() =>
      this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: AGG, sk, type: 'aggregate-index', cadenceId, month },
        }),
      ),
    );
    this.indexed.add(sk);
  }

  private async queryAll(
    pk: string,
    range?: { readonly from: string; readonly to: string },
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.attempt(() =>
        this.client.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: range ? 'pk = :pk AND sk BETWEEN :from AND :to' : 'pk = :pk',
            ExpressionAttributeValues: {
              ':pk': pk,
              ...(range ? { ':from': range.from, ':to': range.to } : {}),
            },
            ExclusiveStartKey: start,
          }),
        ),
      );
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Runs a request, mapping SDK errors to the domain's (throttling becomes TransientError). */
  private async attempt<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      return rethrow(error, 'DynamoDB');
    }
  }
}
