import type { EnrollWrite } from '../../domain/enroll-writes.ts';
import type { LeadEvent, LeadLookup } from '../../domain/ports.ts';
import { enrollmentItem, retryItem } from './enrollment-items.ts';
import { eventKey, lookupItemKey, retryItemKey } from './keys.ts';
import type { BatchWrite } from './write-batcher.ts';

/* The items of a lead's partition that the store writes both alone and in batches: one shape either way. */

export const eventItem = (leadId: string, event: LeadEvent) => ({
  ...eventKey(leadId, event),
  type: 'event',
  leadId,
  ...event,
});

export const lookupItem = (lookup: LeadLookup, value: string, leadId: string) => ({
  ...lookupItemKey(lookup, value),
  type: 'lookup',
  leadId,
});
export const phoneItem = (phone: string, leadId: string) => lookupItem('phone', phone, leadId);

/** An enrollment's write as a BatchWriteItem operation (write-batcher.ts). */
export function batchWriteOf(write: EnrollWrite): BatchWrite {
  switch (write.kind) {
    case 'event':
      return { put: eventItem(write.leadId, write.event) };
    case 'start-retry':
      return { put: retryItem(write.retry) };
    case 'start-retry-cleared':
      return { delete: retryItemKey(write.retry) };
    // Unconditional, unlike putEnrollment: a started record may replace the pending one a duplicate wrote meanwhile.
    case 'enrollment-started':
      return { put: enrollmentItem(write.record) };
  }
}
