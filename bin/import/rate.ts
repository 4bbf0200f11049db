import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../../functions/core/errors.ts';

/**
 * Rows a second, paced by a token bucket of one token (no bursts), that halves when the target throttles (at most
 * once a second, so one burst of refusals counts once; never below a sixteenth of the asked rate) and climbs back by
 * a fifth of the asked rate each second of success.
 */
export class AdaptiveRate {
  private allowed: number;
  private nextAt = 0;
  private lastCut = Number.NEGATIVE_INFINITY;
  private queue: Promise<void> = Promise.resolve();
  /** The lowest rate it reached. */
  lowest: number;

  constructor(
    readonly target: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(target > 0)) throw new UsageError(`the rate must be a positive number (got ${target})`);
    this.allowed = target;
    this.lowest = target;
  }

  get rate(): number {
    return this.allowed;
  }

  /** Resolves when the next row may go; rejects with an AbortError on `signal`. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(async () => {
      signal?.throwIfAborted();
      const now = this.now();
      const at = Math.max(now, this.nextAt);
      this.nextAt = at + 1000 / this.allowed;
      if (at > now) await sleep(at - now, undefined, signal ? { signal } : undefined);
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  throttled(): void {
    const now = this.now();
    if (now - this.lastCut < 1000) return;
    this.lastCut = now;
    this.allowed = Math.max(Math.min(this.target, 0.5), this.target / 16, this.allowed / 2);
    this.lowest = Math.min(this.lowest, this.allowed);
    // The next row waits a full interval at the new rate.
    this.nextAt = Math.max(this.nextAt, now + 1000 / this.allowed);
  }

  succeeded(): void {
    if (this.allowed >= this.target) return;
    this.allowed = Math.min(this.target, this.allowed + Math.max(1, this.target / 5) / this.allowed);
  }
}
