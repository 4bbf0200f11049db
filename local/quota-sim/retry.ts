import type { Retrier, StateMachineDefinition, TaskState } from '../../functions/core/compile.ts';

/*
 * A Task's Retry as Step Functions applies it: the first Retrier whose ErrorEquals names the error (or States.ALL),
 * each with its own count of attempts; the n-th retry waits IntervalSeconds × BackoffRate^n, capped at
 * MaxDelaySeconds, and with JitterStrategy FULL a uniform draw between 0 and that (docs/architecture.md §3.2).
 */

/** The wait before retry number `retry` (0 for the first) without jitter, in seconds. */
export function backoffSeconds(retrier: Retrier, retry: number): number {
  const grown = retrier.IntervalSeconds * retrier.BackoffRate ** retry;
  return Math.min(grown, retrier.MaxDelaySeconds);
}

/** The wait Step Functions draws before retry number `retry`, in seconds; `random` is uniform in [0, 1). */
export function retryDelaySeconds(retrier: Retrier, retry: number, random: () => number): number {
  const backoff = backoffSeconds(retrier, retry);
  return retrier.JitterStrategy === 'FULL' ? random() * backoff : backoff;
}

/** The index of the Retrier that handles `error`, or -1: the error fails the execution. */
export function retrierFor(retriers: readonly Retrier[], error: string): number {
  return retriers.findIndex((r) => r.ErrorEquals.includes(error) || r.ErrorEquals.includes('States.ALL'));
}

const isTask = (state: unknown): state is TaskState =>
  typeof state === 'object' && state !== null && (state as { Type?: string }).Type === 'Task';

/** The Retry of the definition's first Task state (a touch): what the compiler writes today, read back, not restated. */
export function touchRetriers(definition: StateMachineDefinition): readonly Retrier[] {
  const task = Object.values(definition.States).find(isTask);
  if (!task) throw new Error(`the definition "${definition.Comment}" has no Task state`);
  return task.Retry;
}
