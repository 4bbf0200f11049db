import type { Lead } from '../../domain/lead.ts';
import { listingKey, listingMonth, listingMonthKey } from './keys.ts';
import type { DynamoTable } from './table.ts';

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
 * Writes a lead's listing, the item the dashboard pages through (keys.ts): after the lead, so no listing names a lead
 * that was never written, and on every upsert, so a signup retried after a crash lists its lead and a company filled
 * in later is found by a search. The month's index entry is written once per process, as the report's is.
 */
export class Listings {
  private readonly months = new Set<string>();

  constructor(private readonly table: DynamoTable) {}

  async list(lead: Pick<Lead, 'leadId' | 'createdAt' | 'email' | 'company'>): Promise<void> {
    const month = listingMonth(lead.createdAt);
    if (!this.months.has(month)) {
      await this.table.put({ Item: { ...listingMonthKey(month), type: 'listing-month', month } });
      this.months.add(month);
    }
    await this.table.put({ Item: listingItem(lead) });
  }
}
