import { setTimeout as sleep } from 'node:timers/promises';

/** Time for the local runtime: handlers read `now()`; executions sleep until their touches are due. */
export interface Clock {
  now(): Date;
  /** Resolves at virtual instant `at` (at once if it has passed); rejects with an AbortError on `signal`. */
  sleepUntil(at: Date, signal?: AbortSignal): Promise<void>;
}

/** Node fires a setTimeout over 2^31-1 ms at once; sleep in slices well below that (and re-read the clock). */
export const MAX_SLICE_MS = 60_000;

export interface RealTime {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const REAL_TIME: RealTime = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
};

/**
 * Virtual time that passes `speed` times faster than real time, anchored so a restart continues where the last
 * run stopped: `--speed 86400` makes a day pass in a second.
 */
export class ScaledClock implements Clock {
  private readonly realAnchor: number;

  constructor(
    readonly speed = 1,
    private readonly virtualAnchor?: number,
    private readonly real: RealTime = REAL_TIME,
  ) {
    if (!(speed > 0)) throw new Error(`--speed must be a positive number, got ${speed}`);
    this.realAnchor = real.now();
    this.virtualAnchor ??= this.realAnchor;
  }

  now(): Date {
    return new Date((this.virtualAnchor as number) + (this.real.now() - this.realAnchor) * this.speed);
  }

  async sleepUntil(at: Date, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const realMs = (at.getTime() - this.now().getTime()) / this.speed;
      if (realMs <= 0) return;
      await this.real.sleep(Math.min(Math.ceil(realMs), MAX_SLICE_MS), signal);
    }
  }
}
