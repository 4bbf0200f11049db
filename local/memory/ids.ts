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
export const retryId = (retry: StartRetry) =>
  `${new Date(retry.dueAt).toISOString()}#${retry.leadId}#${retry.enrollmentId}`;
/** Sorted as DynamoLeadStore's sort key: by instant, then by touch with the step padded. */
export const claimId = (marker: ClaimMarker) =>
  `${new Date(marker.claimedAt).toISOString()}#${marker.leadId}#${marker.enrollmentId}#${String(marker.stepIndex).padStart(3, '0')}`;
export const signalId = (key: SignalKey) => `${key.leadId ?? '-'}/${key.signalId}`;

/** The facts to write: one passed as undefined leaves the stored value, as DynamoLeadStore skips it. */
export function definedFacts(facts: LeadFacts): LeadFacts {
  return copyRecord(Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined)));
}
