import { DynamoLeadStore } from '../../functions/adapters/dynamo/lead-store.ts';
import { DynamoLeadReads } from '../../functions/adapters/dynamo/reads.ts';
import type { InFlightEnrollment } from '../../functions/core/cadence-diff.ts';
import { ExecutionInputSchema } from '../../functions/core/execution-input.ts';
import type { TableSource } from '../targets/table-source.ts';

/*
 * The enrollments still running, read from the engine's table by key (docs/architecture.md §5.1): the leads through
 * their listings, a page at a time, then each lead's slots (`listActive`, one Query of its partition). A slot holds
 * the exact execution input its lead was enrolled with, so what a lead will still get is read, not recomputed.
 * The table has no index by cadence, so this reads every lead's slots once: what it cost is returned with the result.
 */

export interface InFlightRead {
  readonly enrollments: InFlightEnrollment[];
  /** Leads whose slots were read (one Query each), and pages of the listing read to find them. */
  readonly leadsRead: number;
  readonly listingPages: number;
}

const PAGE = 200;
const AT_ONCE = 8;

export async function readInFlight(source: TableSource, now: Date): Promise<InFlightRead> {
  const reads = new DynamoLeadReads({ client: source.client, tableName: source.tableName });
  const store = new DynamoLeadStore({ client: source.client, tableName: source.tableName });
  const enrollments: InFlightEnrollment[] = [];
  let leadsRead = 0;
  let listingPages = 0;
  let cursor: string | undefined;
  do {
    const page = await reads.listLeads({ limit: PAGE, ...(cursor ? { cursor } : {}) });
    listingPages++;
    const ids = page.leads.map((lead) => lead.leadId);
    for (let i = 0; i < ids.length; i += AT_ONCE) {
      const slots = await Promise.all(ids.slice(i, i + AT_ONCE).map((id) => store.listActive(id)));
      leadsRead += slots.length;
      for (const pointer of slots.flat()) {
        // A slot past its last touch belongs to an execution that has ended (§3.3).
        if (Date.parse(pointer.endsAt) <= now.getTime()) continue;
        const input = ExecutionInputSchema.safeParse(JSON.parse(pointer.inputJson));
        if (input.success) enrollments.push({ input: input.data });
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { enrollments, leadsRead, listingPages };
}
