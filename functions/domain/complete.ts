import type { CompletePayload } from '../core/execution-input.ts';
import { type EnrollDeps, type Enrollment, enrollLead, isNurture, pointerEnded } from './enroll.ts';
import { CadenceNotFound } from './errors.ts';
import { isNurtureCadence, type LeadStatus, statusAllows } from './lead.ts';

/*
 * The end of a cadence (docs/architecture.md §3.3): the lead's slot in it is freed; a lead that never answered moves
 * to nurture and on to the cadence's `then`. A lead that exited on the way (a reply, a sale, an opt-out) is left as
 * it is.
 */

export interface CompleteResult {
  /** `exited`: the lead left the cadence before its end, nothing was changed. */
  readonly status: 'exited' | LeadStatus;
  readonly next?: Enrollment;
}

export async function completeEnrollment(
  deps: EnrollDeps,
  payload: CompletePayload,
  now: Date,
): Promise<CompleteResult> {
  const { store, logger } = deps;
  const at = now.toISOString();
  const { leadId, cadenceId, enrollmentId } = payload;
  await store.releaseActive(leadId, cadenceId, enrollmentId);

  let lead = await store.getLead(leadId);
  const cadence = (await deps.cadences.get(cadenceId)) ?? { id: cadenceId, then: payload.then ?? undefined };
  const then = payload.then ? await deps.cadences.get(payload.then) : undefined;
  if (payload.then && !then) throw new CadenceNotFound(payload.then);
  const toNurture = !then || isNurtureCadence(then);
  // `nurture` on the way to a nurture cadence is this completion's own doing, seen again by a retry.
  const stillHere = (status: LeadStatus) =>
    statusAllows(status, cadence) || (status === 'nurture' && toNurture);
  if (!lead || !stillHere(lead.status)) {
    logger?.info('cadence-ended-after-exit', { leadId, cadence: cadenceId, status: lead?.status });
    return { status: 'exited' };
  }

  // A lead moves to nurture only when nurture comes next and no other sales cadence is still working on it.
  if (lead.status === 'active' && toNurture) {
    const working: string[] = [];
    for (const pointer of await store.listActive(leadId)) {
      if (pointer.cadenceId === cadenceId || pointerEnded(pointer, now)) continue;
      if (!(await isNurture(deps.cadences, pointer.cadenceId))) working.push(pointer.cadenceId);
    }
    if (working.length === 0) {
      const moved = await store.changeStatus(leadId, 'active', 'nurture', {
        at,
        kind: 'status',
        source: `cadence:${cadenceId}`,
        from: 'active',
        to: 'nurture',
        detail: { reason: 'cadence completed without an answer' },
      });
      lead = moved ? { ...lead, status: 'nurture' } : await store.getLead(leadId);
      if (!lead || !stillHere(lead.status)) return { status: 'exited' };
    }
  }

  if (!then) {
    logger?.info('cadence-completed', { leadId, cadence: cadenceId, status: lead.status });
    return { status: lead.status };
  }
  const result = await enrollLead(deps, { leadId, cadenceId: then.id, source: `cadence:${cadenceId}` }, now);
  logger?.info('cadence-completed', {
    leadId,
    cadence: cadenceId,
    status: lead.status,
    next: then.id,
    enrollment: result.enrollment.status,
  });
  return { status: lead.status, next: result.enrollment };
}
