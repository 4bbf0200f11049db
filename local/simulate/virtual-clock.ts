import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../clock.ts';
import { executionContext } from '../step-functions.ts';

/**
 * Time that never waits: an execution's sleep returns at once, a handler's "now" is its touch's due instant, and a
 * signup's or a signal's "now" is the instant it happens (`at`). Anything else sees the simulation's start.
 */
export class VirtualClock implements Clock {
  private readonly ambient = new AsyncLocalStorage<Date>();

  constructor(private readonly origin: Date) {}

  now(): Date {
    return executionContext.getStore()?.now ?? this.ambient.getStore() ?? this.origin;
  }

  async sleepUntil(_at: Date, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
  }

  /** Runs `fn` with "now" at `instant`. */
  at<T>(instant: Date, fn: () => T): T {
    return this.ambient.run(instant, fn);
  }
}
