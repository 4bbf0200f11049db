import { applyOnce } from './apply-once.ts';
import type { Lead } from './lead.ts';
import { measureHumanTouch } from './metrics.ts';
import type { TaskRef } from './outcome-links.ts';
import type { TaskResult } from './signal-schema.ts';
import type { SignalDeps, SignalResult } from './signals.ts';

/*
 * A rep's task marked done (#15): whatever the rep records from the task's email — "Done" (called, no answer yet),
 * or an outcome — the rep acted, so the task is done. Once per task, like every signal (docs/architecture.md §4.2):
 * a `task-done` event on the lead and, for the enrollment's first task done, its first human touch counted.
 */

export const TASK_DONE = 'task-done';

/** The dedupe id of a task's done: one per task, whichever of its links is clicked and however often. */
export const taskDoneId = (task: TaskRef) => `${TASK_DONE}:${task.enrollmentId}#${task.stepIndex}`;

export interface DoneRequest {
  readonly task: TaskRef;
  /** What the rep recorded with it. */
  readonly result: TaskResult;
  /** "outcome-link", "rep". */
  readonly source: string;
}

/** Marks the lead's task done at `now`, once; `duplicate` when it was already. */
export async function markTaskDone(
  deps: SignalDeps,
  lead: Lead,
  request: DoneRequest,
  now: Date,
): Promise<SignalResult> {
  const at = now.toISOString();
  const { owner } = lead;
  const ran = await applyOnce(
    deps.store,
    { leadId: lead.leadId, signalId: taskDoneId(request.task), type: TASK_DONE, source: request.source },
    now,
    async () => {
      // Off the reps' open list first: the event below is what marks the task done once (§4.2).
      await deps.store.closeTask({ leadId: lead.leadId, ...request.task }, at);
      await deps.store.recordEvent(lead.leadId, {
        at,
        kind: TASK_DONE,
        source: request.source,
        detail: {
          enrollmentId: request.task.enrollmentId,
          stepIndex: request.task.stepIndex,
          result: request.result,
        },
      });
      await measureHumanTouch(deps, {
        leadId: lead.leadId,
        enrollmentId: request.task.enrollmentId,
        at,
        ...(owner ? { owner } : {}),
        ...(lead.firstContactAt ? { cohortAt: lead.firstContactAt } : {}),
      });
    },
    deps.logger,
  );
  if (ran.duplicate) return { outcome: 'duplicate' };
  return { outcome: 'applied', before: lead, lead, changed: false, stopped: [] };
}
