import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Lead } from '../../domain/lead.ts';
import { rethrow } from '../aws-errors.ts';
import { listingKey, listingMonth, listingMonthKey } from './keys.ts';
import type { DynamoTable } from './table.ts';
import { type BatchWrite, WriteBatcher } from './write-batcher.ts';

/** What a listing item holds besides its key: the lead it lists and its fields a search matches, lower-cased. */
export function listingItem(lead: Pick<Lead, 'leadId' | 'createdAt' | 'email' | 'company'>) {
  return {
    ...listingKey(lead),
    type: 'listing',
    leadId: lead.leadId,
    createdAt: lead.createdAt,
    email: lead.email.toLowerCase(),
    ...(lead.company ? { company: lead.company.toLowerCase() } : {}),
  };
}

/**
 * A month's index item counts its listings (`leads`) when it says `counted`: it was made with its count at zero, so
 * the count covers every listing of the month. Index items made before the count have no `counted`, and their month
 * is counted by a Query (reads.ts).
 */
export const isCounted = (monthItem: Record<string, unknown>): boolean => monthItem.counted === true;

/**
 * Writes a lead's listing, the item the dashboard pages through (keys.ts): after the lead, so no listing names a lead
 * that was never written, and on every upsert, so a signup retried after a crash lists its lead and a company filled
 * in later is found by a search. A listing that did not exist before adds one to its month's count, so the dashboard
 * reads the number of leads in one request however many there are; a crash between the two writes leaves the count
 * one short, never one over. The month's index item is written once per process, as the report's is.
 */
export class Listings {
  private readonly months = new Set<string>();
  constructor(
    private readonly table: DynamoTable,
    private readonly batcher: WriteBatcher = new WriteBatcher(table.client, table.name),
  ) {}

  async list(lead: Pick<Lead, 'leadId' | 'createdAt' | 'email' | 'company'>): Promise<void> {
    const month = await this.indexed(lead.createdAt);
    if (await this.putListing(lead)) await this.count(month);
  }

  /**
   * The listing of a lead this call just created, with `also` (its phone's lookup) in the same request: its key holds
   * the instant the lead was created, so no listing can be there before it and the old item need not be asked for.
   */
  async listNew(lead: Pick<Lead, 'leadId' | 'createdAt' | 'email' | 'company'>, also: readonly BatchWrite[]) {
    const month = await this.indexed(lead.createdAt);
    await this.batcher.write([{ put: listingItem(lead) }, ...also]);
    await this.count(month);
  }

  /** The month's index item, written once per process, as the report's is. */
  private async indexed(createdAt: string): Promise<string> {
    const month = listingMonth(createdAt);
    if (!this.months.has(month)) {
      await this.table.put(
        { Item: { ...listingMonthKey(month), type: 'listing-month', month, leads: 0, counted: true } },
        'attribute_not_exists(pk)',
      );
      this.months.add(month);
    }
    return month;
  }

  /** Adds one to the month's count, once its listing is written. */
  private async count(month: string): Promise<void> {
    await this.table.update({
      Key: listingMonthKey(month),
      UpdateExpression: 'ADD #leads :one',
      ExpressionAttributeNames: { '#leads': 'leads' },
      ExpressionAttributeValues: { ':one': 1 },
    });
  }

  /** Puts the listing; true when there was none before. */
  private async putListing(lead: Pick<Lead, 'leadId' | 'createdAt' | 'email' | 'company'>): Promise<boolean> {
    try {
      const result = await this.table.client.send(
        new PutCommand({ TableName: this.table.name, Item: listingItem(lead), ReturnValues: 'ALL_OLD' }),
      );
      return result.Attributes === undefined;
    } catch (error) {
      return rethrow(error, 'DynamoDB');
    }
  }
}
