import { RETRY_SENDING_CAPACITY } from '../functions/core/compile.ts';
import type { Clock } from './clock.ts';

/** How long a paused sender's touch waits before it asks again: the longest delay of its Retry. */
const PAUSED_WAIT_MS = RETRY_SENDING_CAPACITY.MaxDelaySeconds * 1000;

/**
 * A touch that found no sending capacity (#15) is retried by its Task for hours on AWS; this runtime's Retry waits
 * 50 ms, so the wait is spent here, out of a slot, until the governor expects capacity (docs/architecture.md §8.12).
 * Rethrows the error either way, for the Task's Retry.
 */
export async function awaitCapacity(error: unknown, clock: Clock, signal: AbortSignal): Promise<never> {
  const { name, retryAt } = (error ?? {}) as { name?: unknown; retryAt?: unknown };
  if (name === 'SendingCapacity') {
    const at = typeof retryAt === 'number' ? retryAt : clock.now().getTime() + PAUSED_WAIT_MS;
    // Aborted (stopped, shutting down): the Task's Retry sees the error and the abort ends the execution.
    await clock.sleepUntil(new Date(at), signal).catch(() => undefined);
  }
  throw error;
}
