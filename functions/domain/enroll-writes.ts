import type { EnrollmentRecord, LeadEvent, LeadStore, StartRetry } from './ports.ts';

/*
 * The writes of an enrollment that need no condition, handed over together: the created and SMS-consent events,
 * the first start-retry marker, and once started the enrollment record (written once, as started), the marker's
 * removal and the enrolled event. A store that can
 * write several items in one request (DynamoDB's BatchWriteItem) says so with `writeTogether`; any other store
 * writes them one by one. Every one is idempotent (an event's key is its content, a marker's its due time and
 * enrollment), so writing them in any order, or again after a crash, leaves what one write of each would.
 */

export type EnrollWrite =
  | { readonly kind: 'event'; readonly leadId: string; readonly event: LeadEvent }
  | { readonly kind: 'start-retry'; readonly retry: StartRetry }
  /** The record of an enrollment whose execution has started: a slot's holder is never left pending by it. */
  | { readonly kind: 'enrollment-started'; readonly record: EnrollmentRecord }
  | { readonly kind: 'start-retry-cleared'; readonly retry: StartRetry };

export interface WritesTogether {
  /** Stores every write, in as few requests as it can; resolves once all are stored, rejects if any is not. */
  writeTogether(writes: readonly EnrollWrite[]): Promise<void>;
}

/** The store enrollment writes to: a LeadStore that may write several items at once. */
export type EnrollStore = LeadStore & Partial<WritesTogether>;

/** Hands `writes` to the store together when it can take them so, else one by one (at once: none waits on another). */
export async function writeTogether(store: EnrollStore, writes: readonly EnrollWrite[]): Promise<void> {
  if (writes.length === 0) return;
  if (store.writeTogether) return store.writeTogether(writes);
  await Promise.all(writes.map((write) => writeOne(store, write)));
}

function writeOne(store: LeadStore, write: EnrollWrite): Promise<void> {
  switch (write.kind) {
    case 'event':
      return store.recordEvent(write.leadId, write.event);
    case 'start-retry':
      return store.scheduleStartRetry(write.retry);
    case 'start-retry-cleared':
      return store.clearStartRetry(write.retry);
    case 'enrollment-started':
      return store.putEnrollment(write.record);
  }
}
