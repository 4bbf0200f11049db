import { createHash } from 'node:crypto';
import { RETRY_SENDING_CAPACITY } from '../functions/core/compile.ts';
import type { Clock } from './clock.ts';

/** How long a paused sender's touch waits before it asks again: the longest delay of its Retry. */
const PAUSED_WAIT_MS = RETRY_SENDING_CAPACITY.MaxDelaySeconds * 1000;

/**
 * A touch that found no sending capacity (#15) is retried by its Task for hours on AWS; this runtime's Retry waits
 * 50 ms, so the wait is spent here, out of a slot, until the governor expects capacity (docs/architecture.md §8.12).
 * Rethrows the error either way, for the Task's Retry.
 */
export async function awaitCapacity(
  error: unknown,
  clock: Clock,
  signal: AbortSignal,
  spread = 0,
): Promise<never> {
  const { name, retryAt } = (error ?? {}) as { name?: unknown; retryAt?: unknown };
  if (name === 'SendingCapacity') {
    const at = typeof retryAt === 'number' ? retryAt : clock.now().getTime() + PAUSED_WAIT_MS;
    // Aborted (stopped, shutting down): the Task's Retry sees the error and the abort ends the execution.
    await clock.sleepUntil(new Date(at + spread), signal).catch(() => undefined);
  }
  throw error;
}

/**
 * The FULL jitter of the capacity Retry's `attempt`th delay (30 s doubling to an hour, as compile.ts writes it), drawn
 * from the execution's name so a run repeats: AWS spreads a wave's waiting touches this way, and without it every
 * waiter wakes at the same `retryAt`, one takes the token and the rest go round again (n² invocations).
 */
export function capacityJitterMs(executionArn: string, attempt: number): number {
  const { IntervalSeconds, BackoffRate, MaxDelaySeconds } = RETRY_SENDING_CAPACITY;
  const delayMs = Math.min(IntervalSeconds * BackoffRate ** (attempt - 1), MaxDelaySeconds) * 1000;
  const draw = createHash('sha256').update(`${executionArn}#${attempt}`).digest().readUInt32BE(0) / 2 ** 32;
  return Math.floor(draw * delayMs);
}

/**
 * The instant each execution's waiting touch retries: the governor's `retryAt` plus the Retry's jitter, as on AWS,
 * not the touch's due instant again, which under simulate's clock never moves (docs/architecture.md §8.12).
 */
export class CapacityWaits {
  private readonly until = new Map<string, number>();
  private readonly attempts = new Map<string, number>();

  /** The retry's "now": when it runs, if that is later than the touch's due instant. */
  nowFor(executionArn: string, due: Date | undefined): Date | undefined {
    const at = this.until.get(executionArn);
    return due && at !== undefined && at > due.getTime() ? new Date(at) : undefined;
  }

  settled<T>(executionArn: string, result: T): T {
    this.until.delete(executionArn);
    this.attempts.delete(executionArn);
    return result;
  }

  /** Keeps a SendingCapacity's retry instant, waits it out (awaitCapacity) and rethrows. */
  failed(executionArn: string, error: unknown, clock: Clock, signal: AbortSignal): Promise<never> {
    const { name, retryAt } = (error ?? {}) as { name?: unknown; retryAt?: unknown };
    if (name !== 'SendingCapacity') return awaitCapacity(error, clock, signal);
    const attempt = (this.attempts.get(executionArn) ?? 0) + 1;
    this.attempts.set(executionArn, attempt);
    const spread = capacityJitterMs(executionArn, attempt);
    if (typeof retryAt === 'number') this.until.set(executionArn, retryAt + spread);
    return awaitCapacity(error, clock, signal, spread);
  }
}
