import { createHash } from 'node:crypto';
import type {
  ClaimMarker,
  LeadEvent,
  LeadLookup,
  SignalKey,
  StartRetry,
  TouchKey,
} from '../../domain/ports.ts';

/*
 * The single table's key layout (docs/architecture.md §5.1): the one place a lead's keys are spelled. Everything about
 * a lead shares its partition, so one Query shows the rep the whole story; suppressions have their own partitions,
 * keyed by a hash, never by the address:
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
 *   AGG#<cadence>#<yyyy-mm>  TOUCH#<nnn> | CLOSED | SPEED#<owner>
 *                                                      report counters and speed-to-lead histograms (dynamo-aggregates.ts)
 *   AGG                MONTH#<yyyy-mm>#<cadence>       which cadences have counters in which month
 *   PROMOTION#<cadence>  STEP#<step>#<a+b>             a step's test promoted by autoPromote, once (promotion-store.ts)
 *   RETRY              <dueAt>#<leadId>#<enrollmentId> an enrollment whose start the sweeper retries once due
 *   STUCK              <endedAt>#<leadId>#<enrollmentId>
 *                                                      an enrollment the sweeper gave up on, for the dashboard
 *   CLAIM              <claimedAt>#<leadId>#<enrollmentId>#<step>
 *                                                      a touch claimed and not finished: the sweeper gives up old ones
 *   UNCONFIRMED        <leadId>#<enrollmentId>#<step>  a touch that may or may not have gone out, for a redrive
 *   LEADS#<yyyy-mm>    <createdAt>#<leadId>            the lead's listing: newest first, with lower-cased search fields
 *   LEADS              MONTH#<yyyy-mm>                 which months have listings
 *   TASKS              <dueAt>#<leadId>#<enrollmentId>#<step>
 *                                                      a copy of each task, soonest due first: the reps' list
 *   READS              BACKFILL                        the listings and lists above were built for older items
 *
 * No transactions (dynalite has none): every multi-item change is ordered so a crash between writes is repaired by
 * the retry. No TTL is needed for correctness.
 */

const step = (stepIndex: number) => String(stepIndex).padStart(3, '0');
/** One spelling per instant ("…T15:00:00.000Z"): a sort key orders by time only if every key spells it alike. */
const instant = (at: string) => new Date(at).toISOString();
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export const LEAD_SK = 'LEAD';
export const leadPk = (leadId: string) => `LEAD#${leadId}`;
export const leadKey = (leadId: string) => ({ pk: leadPk(leadId), sk: LEAD_SK });
export const activeKey = (leadId: string, cadenceId: string) => ({
  pk: leadPk(leadId),
  sk: `ACTIVE#${cadenceId}`,
});
export const ACTIVE_PREFIX = 'ACTIVE#';
export const enrollmentItemKey = (leadId: string, enrollmentId: string) => ({
  pk: leadPk(leadId),
  sk: `ENR#${enrollmentId}`,
});
export const touchKey = (key: TouchKey) => ({
  pk: leadPk(key.leadId),
  sk: `TOUCH#${key.enrollmentId}#${step(key.stepIndex)}`,
});
export const taskKey = (leadId: string, enrollmentId: string, stepIndex: number) => ({
  pk: leadPk(leadId),
  sk: `TASK#${enrollmentId}#${step(stepIndex)}`,
});
/** Chronological, one item per distinct event: a retry writing the same event again lands on the same item. */
export const eventKey = (leadId: string, event: LeadEvent) => ({
  pk: leadPk(leadId),
  sk: `EVENT#${event.at}#${event.kind}#${sha256(JSON.stringify(event)).slice(0, 12)}`,
});
export const signalItemKey = (key: SignalKey) => ({
  pk: key.leadId ? leadPk(key.leadId) : `SIGNAL#${key.signalId}`,
  sk: `SIGNAL#${key.signalId}`,
});
export const suppressionItemKey = (hash: string) => ({ pk: `SUPPRESS#${hash}`, sk: 'SUPPRESS' });
const LOOKUP_SK: Readonly<Record<LeadLookup, string>> = { phone: 'PHONE', cart: 'CART' };
/** A phone's key hashes the E.164 number, as its suppression key does: no number in a key. */
export const lookupItemKey = (lookup: LeadLookup, value: string) => {
  const sk = LOOKUP_SK[lookup];
  return { pk: `${sk}#${sha256(value.trim())}`, sk };
};

/** What a lead's partition holds, told by sort key: the lead page reads the partition once and sorts it out. */
export type LeadItemKind = 'lead' | 'active' | 'enrollment' | 'touch' | 'task' | 'event' | 'signal';
const KINDS: readonly [string, LeadItemKind][] = [
  ['ACTIVE#', 'active'],
  ['ENR#', 'enrollment'],
  ['TOUCH#', 'touch'],
  ['TASK#', 'task'],
  ['EVENT#', 'event'],
  ['SIGNAL#', 'signal'],
];
export function leadItemKind(sk: string): LeadItemKind | undefined {
  if (sk === LEAD_SK) return 'lead';
  return KINDS.find(([prefix]) => sk.startsWith(prefix))?.[1];
}

/** One partition holds every due-retry marker, sorted by when it is due: one Query reads all that are due. */
export const RETRY_PK = 'RETRY';
export const retryItemKey = (retry: StartRetry) => ({
  pk: RETRY_PK,
  sk: `${instant(retry.dueAt)}#${retry.leadId}#${retry.enrollmentId}`,
});
/** "~" sorts after every character of an id: the last key at `at`. */
export const lastKeyAt = (at: string) => `${instant(at)}#~`;

export const STUCK_PK = 'STUCK';
export const stuckItemKey = (leadId: string, enrollmentId: string, endedAt: string) => ({
  pk: STUCK_PK,
  sk: `${instant(endedAt)}#${leadId}#${enrollmentId}`,
});

/** One partition of claim markers, sorted by when the claim was taken: one Query reads every old one. */
export const CLAIM_PK = 'CLAIM';
export const claimItemKey = (marker: ClaimMarker) => ({
  pk: CLAIM_PK,
  sk: `${instant(marker.claimedAt)}#${marker.leadId}#${marker.enrollmentId}#${step(marker.stepIndex)}`,
});
/** The redrive list: one partition, read whole by the CLI and the dashboard; it holds only what awaits a person. */
export const UNCONFIRMED_PK = 'UNCONFIRMED';
export const unconfirmedItemKey = (key: TouchKey) => ({
  pk: UNCONFIRMED_PK,
  sk: `${key.leadId}#${key.enrollmentId}#${step(key.stepIndex)}`,
});

/** A month's listings in one partition, so paging newest first is a Query per month, never a scan. */
export const listingPk = (month: string) => `LEADS#${month}`;
/** The UTC month a lead was created in: its listing's partition. */
export const listingMonth = (createdAt: string) => instant(createdAt).slice(0, 7);
export const listingKey = (lead: { readonly leadId: string; readonly createdAt: string }) => ({
  pk: listingPk(listingMonth(lead.createdAt)),
  sk: `${instant(lead.createdAt)}#${lead.leadId}`,
});
/** The report's counters' partitions start with it; alone, it is their month index (dynamo-aggregates.ts). */
export const AGG_PK = 'AGG';
export const promotionPk = (cadenceId: string) => `PROMOTION#${cadenceId}`;
export const promotionKey = (cadenceId: string, stepId: string, variants: string) => ({
  pk: promotionPk(cadenceId),
  sk: `STEP#${stepId}#${variants}`,
});
export const LISTING_MONTHS_PK = 'LEADS';
export const listingMonthKey = (month: string) => ({ pk: LISTING_MONTHS_PK, sk: `MONTH#${month}` });
export const LISTING_MONTH = /^MONTH#(\d{4}-\d{2})$/;
/** A listing's sort key, as a cursor carries it: an instant, then a lead id. */
export const LISTING_SK = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[A-Za-z0-9_-]+$/;

export const TASKS_PK = 'TASKS';
export const openTaskKey = (task: {
  readonly leadId: string;
  readonly enrollmentId: string;
  readonly stepIndex: number;
  readonly dueAt: string;
}) => ({
  pk: TASKS_PK,
  sk: `${instant(task.dueAt)}#${task.leadId}#${task.enrollmentId}#${step(task.stepIndex)}`,
});

export const BACKFILL_KEY = { pk: 'READS', sk: 'BACKFILL' } as const;

/**
 * Index items written once per process and month (the report's and the listings' month indexes), not once per lead:
 * how many there are depends on how many processes ran, so a meter of per-lead requests leaves them out.
 */
export function isPerProcessIndexWrite(input: unknown): boolean {
  // The item comes as written (document client) or marshalled (`{ S: … }`), depending on where a meter sits.
  const pk = (input as { Item?: { pk?: unknown } } | undefined)?.Item?.pk;
  const value = typeof pk === 'object' && pk !== null ? (pk as { S?: unknown }).S : pk;
  return value === AGG_PK || value === LISTING_MONTHS_PK;
}
