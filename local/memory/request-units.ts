import type { Counter } from '../../functions/core/report.ts';
import type { LeadStore } from '../../functions/domain/ports.ts';
import type { Aggregates } from '../../functions/domain/report-ports.ts';
import type { MemoryAggregates } from './aggregates.ts';
import * as ids from './ids.ts';
import type { MemoryLeadStore } from './lead-store.ts';

/*
 * What each call of the store would cost on DynamoDB: the requests DynamoLeadStore and DynamoAggregates send for it
 * (reads: GetItem and Query; writes: Put, Update and Delete, a failed conditional write included), counted at the
 * ports so the in-memory engine bills as the table would (docs/architecture.md §6). The per-instance month indexes
 * are left out, as local/simulate/metering.ts leaves them out. test/integ/simulate.test.ts runs one seed on both
 * stores: a wrong line here makes the counts differ.
 */

export interface Requests {
  reads: number;
  writes: number;
}

const writes = (n: number): Requests => ({ reads: 0, writes: n });
const reads = (n: number): Requests => ({ reads: n, writes: 0 });
const one = { read: () => () => reads(1), write: () => () => writes(1) };

type Call<T, K extends keyof T> = T[K] extends (...args: infer A) => Promise<infer R>
  ? { readonly args: A; readonly result: R }
  : never;
/** Looked at before the call (what it will find), answered after it (from what it returned). */
type Rule<T, S, K extends keyof T> = (
  args: Call<T, K>['args'],
  store: S,
) => (result: Call<T, K>['result']) => Requests;
type Table<T, S> = { readonly [K in keyof T]-?: Rule<T, S, K> };

const claimedWithMarker = (touch: { status: string; claimedAt?: string } | undefined) =>
  touch?.status === 'claimed' && typeof touch.claimedAt === 'string' ? 1 : 0;

export const LEAD_STORE_REQUESTS: Table<LeadStore, MemoryLeadStore> = {
  // The put (conditional: when it fails, an update follows), the phone's lookup, the lead's listing, and for a new
  // listing the month's count.
  upsertLead: () => (r) => writes(3 + (r.lead.phone ? 1 : 0)),
  getLead: one.read,
  changeStatus: () => (changed) => writes(changed ? 2 : 1),
  // Nothing to set or remove is a read of whether the lead exists.
  updateLead:
    ([, facts, remove = []]) =>
    () =>
      Object.values(facts).some((v) => v !== undefined) || remove.some((f) => !(f in facts))
        ? writes(1)
        : reads(1),
  recordEvent: one.write,
  isSuppressed:
    ([keys]) =>
    () =>
      reads(keys.length),
  // A replacing put on a slot nobody holds fails, reads nothing and puts again.
  claimActive: ([pointer, replacing], store) => {
    const free = !store.active.has(ids.activeId(pointer.leadId, pointer.cadenceId));
    return (holder) =>
      holder !== undefined
        ? { reads: 1, writes: 1 }
        : replacing !== undefined && free
          ? { reads: 1, writes: 2 }
          : writes(1);
  },
  releaseActive: one.write,
  listActive: one.read,
  putEnrollment: one.write,
  getEnrollment: one.read,
  markEnrollmentStarted: one.write,
  scheduleStartRetry: one.write,
  dueStartRetries: one.read,
  clearStartRetry: one.write,
  // Stuck: listed first, then the update, and the listing deleted again if the update found it started.
  markStartFailed:
    ([, , failure]) =>
    (marked) =>
      writes(failure.retryAt ? 1 : marked ? 2 : 3),
  cancelEnrollment: one.write,
  setNextTouch: one.write,
  // The claim's marker first; a touch already there is read, and the marker taken back.
  claimTouch: ([record]) => {
    const marker = claimedWithMarker(record);
    return (existing) => (existing === undefined ? writes(marker + 1) : { reads: 1, writes: 2 * marker + 1 });
  },
  finishTouch: ([key], store) => {
    const marker = claimedWithMarker(store.touch(key));
    return () => writes(1 + marker);
  },
  releaseTouch: ([key], store) => {
    const marker = claimedWithMarker(store.touch(key));
    return () => writes(1 + marker);
  },
  getTouch: one.read,
  claimMarkersBefore: one.read,
  clearClaimMarker: one.write,
  markTouchUnconfirmed: () => (changed) => writes(changed ? 3 : 2),
  // The redrive list, then each touch it names.
  unconfirmedTouches: (_args, store) => {
    const listed = store.unconfirmed.size;
    return () => reads(1 + listed);
  },
  reclaimUnconfirmed: () => (taken) => writes(taken ? 2 : 3),
  clearUnconfirmed: one.write,
  reserveSends: one.write,
  recordContact: one.write,
  // The reps' list and the lead's own item.
  putTask: () => () => writes(2),
  // The lead's task read; an open one is taken off the reps' list and marked done.
  closeTask: ([task], store) => {
    const open = store.tasksByTouch.has(ids.taskId(task)) && !store.tasksDone.has(ids.taskId(task));
    return () => ({ reads: 1, writes: open ? 2 : 0 });
  },
  suppress:
    ([keys]) =>
    () =>
      writes(keys.length),
  unsuppress: one.write,
  linkLead: one.write,
  findLeadId: one.read,
  claimSignal: one.write,
  finishSignal: one.write,
  releaseSignal: one.write,
};

export const AGGREGATES_REQUESTS: Table<Aggregates, MemoryAggregates> = {
  // Counts of zero are not sent at all.
  add:
    ([, counts]) =>
    () =>
      writes(
        Object.values(counts as Partial<Record<Counter, number>>).some((n) => n !== undefined && n !== 0)
          ? 1
          : 0,
      ),
  markEnrollment: one.write,
  markHumanTouch: one.write,
  // The index, then one partition per cadence × month.
  read: () => (rows) => reads(1 + new Set(rows.map((r) => `${r.cadenceId}|${r.month}`)).size),
};

/** `target` with every call of a port counted into `counts` by `table`. */
export function metered<T extends object, S extends T>(target: S, table: Table<T, S>, counts: Requests): T {
  const port: Record<string, unknown> = {};
  for (const method of Object.keys(table) as (keyof T & string)[]) {
    const rule = table[method] as (args: unknown[], store: S) => (result: unknown) => Requests;
    const call = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
    // A plain function, not an async one: every store call of a simulated lead passes here, and one await fewer
    // each is measurable (docs/architecture.md §9). The ports' methods are async, so a failure is still a rejection.
    port[method] = (...args: unknown[]) => {
      const bill = rule(args, target);
      return call(...args).then((result) => {
        const { reads: r, writes: w } = bill(result);
        counts.reads += r;
        counts.writes += w;
        return result;
      });
    };
  }
  return port as T;
}
