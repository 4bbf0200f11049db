import type { Clock } from './clock.ts';

/** Real time between looks at the clock: often enough for a fast clock, never a busy loop. */
const MIN_POLL_MS = 50;
const MAX_POLL_MS = 60_000;

export interface Periodic {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `job` each time the runtime's clock passes a multiple of `everyMs` (as a schedule of "rate(5 minutes)"
 * would), never two runs at once. The clock is looked at on an unref'd real-time timer, not slept on: the job never
 * keeps the process alive, never counts as a sleeping execution, and a clock that does not move (simulate's) never
 * runs it.
 */
export function runEvery(
  clock: Clock & { readonly speed?: number },
  everyMs: number,
  job: () => Promise<unknown>,
  onError: (error: unknown) => void,
): Periodic {
  const boundaryAfter = (t: number) => (Math.floor(t / everyMs) + 1) * everyMs;
  let next = boundaryAfter(clock.now().getTime());
  let running: Promise<void> | undefined;
  const tick = () => {
    const now = clock.now().getTime();
    if (running || now < next) return;
    next = boundaryAfter(now);
    running = job()
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined;
      });
  };
  const speed = clock.speed ?? 0;
  const pollMs = speed > 0 ? Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, everyMs / speed)) : MIN_POLL_MS;
  const timer = setInterval(tick, pollMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
