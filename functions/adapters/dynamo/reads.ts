import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UserError } from '../../core/errors.ts';
import type { Lead } from '../../domain/lead.ts';
import type { EnrollmentRecord, LeadEvent, TouchRecord } from '../../domain/ports.ts';
import type { LeadPage, LeadPageQuery, LeadReads, LeadTimeline, TaskRecord } from '../../domain/reads.ts';
import { backfillReads } from './backfill.ts';
import { strip, toLead } from './expression.ts';
import {
  BACKFILL_KEY,
  enrollmentItemKey,
  LISTING_MONTH,
  LISTING_MONTHS_PK,
  LISTING_SK,
  leadItemKind,
  leadKey,
  leadPk,
  listingMonth,
  listingPk,
  RETRY_PK,
  STUCK_PK,
  TASKS_PK,
} from './keys.ts';
import { isCounted } from './listings.ts';
import { DynamoTable, type Item } from './table.ts';

export interface DynamoLeadReadsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** Where a page starts: just after this listing. base64url JSON, opaque to callers. */
interface Cursor {
  readonly month: string;
  readonly sk: string;
}

const MONTH = /^\d{4}-\d{2}$/;

export class BadCursor extends UserError {
  override readonly name = 'BadCursor';
  constructor() {
    super('this page link is out of date or damaged; start again from the first page');
  }
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.month, cursor.sk])).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const [month, sk] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof month === 'string' && typeof sk === 'string' && MONTH.test(month)) {
      if (LISTING_SK.test(sk) && sk.startsWith(month)) return { month, sk };
    }
  } catch {
    // Not JSON: refused below, as any cursor this store did not make.
  }
  throw new BadCursor();
}

const byString =
  <T>(field: (t: T) => string) =>
  (a: T, b: T) =>
    field(a).localeCompare(field(b));

/**
 * The read side of the single table (docs/architecture.md §5.1): leads page newest first through their listings, one
 * Query per month; a lead's page is one Query of its partition; tasks and unstarted enrollments have lists of their
 * own. Items written before the listings existed are indexed once, on the first read (backfill.ts).
 */
export class DynamoLeadReads implements LeadReads {
  private readonly table: DynamoTable;
  private ready: Promise<void> | undefined;

  constructor(options: DynamoLeadReadsOptions) {
    this.table = new DynamoTable(options.client, options.tableName);
  }

  async listLeads({ limit, cursor, search }: LeadPageQuery): Promise<LeadPage> {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a whole number ≥ 1, not ${limit}`);
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    await this.backfilled();
    const q = search?.trim().toLowerCase() || undefined;
    const months = (await this.months()).filter((month) => !after || month <= after.month);
    // One more than asked: whether a next page exists is known without an empty last page.
    const found: Item[] = [];
    for (const month of months) {
      const before = after?.month === month ? after.sk : undefined;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.table.queryPage({
          KeyConditionExpression: before ? 'pk = :pk AND sk < :before' : 'pk = :pk',
          ExpressionAttributeValues: {
            ':pk': listingPk(month),
            ...(before ? { ':before': before } : {}),
            ...(q ? { ':q': q } : {}),
          },
          ...(q
            ? {
                FilterExpression: 'contains(#email, :q) OR contains(#company, :q)',
                ExpressionAttributeNames: { '#email': 'email', '#company': 'company' },
              }
            : {}),
          ScanIndexForward: false,
          // Limit counts the items read before the filter, so a filtered page can come back short with more to
          // read: keep reading until enough match or the month ends.
          Limit: Math.max(limit + 1 - found.length, 100),
          ...(start ? { ExclusiveStartKey: start } : {}),
        });
        found.push(...page.items);
        start = page.next;
      } while (start && found.length <= limit);
      if (found.length > limit) break;
    }
    const shown = found.slice(0, limit);
    const last = shown.at(-1);
    const leads = await Promise.all(shown.map((item) => this.lead(String(item.leadId))));
    return {
      leads: leads.filter((lead): lead is Lead => lead !== undefined),
      ...(found.length > limit && last
        ? { nextCursor: encodeCursor({ month: listingMonth(String(last.createdAt)), sk: String(last.sk) }) }
        : {}),
    };
  }

  /** One read of the months' counts; only a month indexed before listings were counted is counted by a Query. */
  async countLeads(): Promise<number> {
    await this.backfilled();
    const counts = await Promise.all(
      (await this.monthItems()).map(({ month, item }) =>
        isCounted(item)
          ? Number(item.leads ?? 0)
          : this.table.count({
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': listingPk(month) },
            }),
      ),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  }

  async leadTimeline(leadId: string): Promise<LeadTimeline | undefined> {
    let lead: Lead | undefined;
    const enrollments: EnrollmentRecord[] = [];
    const touches: TouchRecord[] = [];
    const tasks: TaskRecord[] = [];
    const events: LeadEvent[] = [];
    for (const item of await this.table.partition(leadPk(leadId))) {
      switch (leadItemKind(String(item.sk))) {
        case 'lead':
          lead = toLead(item);
          break;
        case 'enrollment':
          enrollments.push(strip<EnrollmentRecord>(item));
          break;
        case 'touch':
          touches.push(strip<TouchRecord>(item));
          break;
        case 'task':
          tasks.push(strip<TaskRecord>(item));
          break;
        case 'event': {
          const { leadId: _leadId, ...event } = strip<LeadEvent & { leadId: string }>(item);
          events.push(event);
          break;
        }
        default:
          break;
      }
    }
    if (!lead) return undefined;
    return {
      lead,
      enrollments: enrollments.sort(byString((e) => e.enrolledAt)),
      touches: touches.sort(byString((t) => t.at)),
      tasks,
      // The event sort key is its instant first: key order is time order.
      events,
    };
  }

  async openTasks(): Promise<TaskRecord[]> {
    await this.backfilled();
    return (await this.table.partition(TASKS_PK))
      .map((item) => strip<TaskRecord>(item))
      .filter((task) => task.status === 'open');
  }

  async unstartedEnrollments(): Promise<EnrollmentRecord[]> {
    await this.backfilled();
    // Retry markers name every enrollment not started yet; stuck ones are listed apart once given up.
    const entries = [...(await this.table.partition(RETRY_PK)), ...(await this.table.partition(STUCK_PK))];
    const ids = new Map(entries.map((e) => [`${e.leadId}/${e.enrollmentId}`, e]));
    const records = await Promise.all(
      [...ids.values()].map(async (e) => {
        const item = await this.table.get(enrollmentItemKey(String(e.leadId), String(e.enrollmentId)));
        return item ? strip<EnrollmentRecord>(item) : undefined;
      }),
    );
    return records
      .filter(
        (r): r is EnrollmentRecord =>
          r?.status === 'stuck' || (r?.status === 'pending' && (r.startAttempts ?? 0) > 0),
      )
      .sort(byString((r) => r.createdAt));
  }

  private async lead(leadId: string): Promise<Lead | undefined> {
    const item = await this.table.get(leadKey(leadId));
    return item ? toLead(item) : undefined;
  }

  /** The months that have listings, newest first. */
  private async months(): Promise<string[]> {
    return (await this.monthItems()).map(({ month }) => month);
  }

  /** The months' index items, newest first. */
  private async monthItems(): Promise<{ month: string; item: Item }[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': LISTING_MONTHS_PK },
      ScanIndexForward: false,
    });
    return items.flatMap((item) => {
      const month = LISTING_MONTH.exec(String(item.sk))?.[1];
      return month === undefined ? [] : [{ month, item }];
    });
  }

  /** Lists what was stored before the lists existed, once per table; a failed run is tried again on the next read. */
  private backfilled(): Promise<void> {
    this.ready ??= (async () => {
      if (await this.table.get(BACKFILL_KEY)) return;
      await backfillReads(this.table);
      await this.table.put({ Item: { ...BACKFILL_KEY, type: 'backfill' } });
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}
