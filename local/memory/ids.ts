import type {
  ClaimMarker,
  LeadFacts,
  RepTask,
  SignalKey,
  StartRetry,
  TouchKey,
} from '../../functions/domain/ports.ts';
import { copyRecord } from './copy.ts';

/* How MemoryLeadStore keys its maps: as DynamoLeadStore keys its items, so they sort alike. */

export const touchId = (key: TouchKey) => `${key.leadId}/${key.enrollmentId}/${key.stepIndex}`;
export const activeId = (leadId: string, cadenceId: string) => `${leadId}/${cadenceId}`;
export const enrollmentId = (leadId: string, enrollment: string) => `${leadId}/${enrollment}`;
export const taskId = (task: Pick<RepTask, 'leadId' | 'enrollmentId' | 'stepIndex'>) =>
  `${task.leadId}/${task.enrollmentId}/${task.stepIndex}`;

/** The last instants spelled, by how they were given: a few hundred leads' touches in flight, each key made twice. */
const spelled = new Map<string, string>();
const SPELLED_AT_MOST = 4096;

/**
 * `at` as DynamoLeadStore spells an instant in a key (toISOString), remembered: parsing a date was most of the cost
 * of a claim's key, made when a touch is claimed and again when it is finished (docs/architecture.md §9).
 */
export function instantKey(at: string): string {
  let key = spelled.get(at);
  if (key === undefined) {
    key = new Date(at).toISOString();
    if (spelled.size >= SPELLED_AT_MOST) spelled.clear();
    spelled.set(at, key);
  }
  return key;
}

export const retryId = (retry: StartRetry) =>
  `${instantKey(retry.dueAt)}#${retry.leadId}#${retry.enrollmentId}`;
/** Sorted as DynamoLeadStore's sort key: by instant, then by touch with the step padded. */
export const claimId = (marker: ClaimMarker) =>
  `${instantKey(marker.claimedAt)}#${marker.leadId}#${marker.enrollmentId}#${String(marker.stepIndex).padStart(3, '0')}`;
export const signalId = (key: SignalKey) => `${key.leadId ?? '-'}/${key.signalId}`;

/** The facts to write: one passed as undefined leaves the stored value, as DynamoLeadStore skips it. */
export function definedFacts(facts: LeadFacts): LeadFacts {
  return copyRecord(Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined)));
}
