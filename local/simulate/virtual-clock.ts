import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../clock.ts';
import { executionContext } from '../step-functions.ts';

/** The instants `at` set, innermost first: each clock reads its own. */
interface Ambient {
  readonly clock: VirtualClock;
  readonly instant: Date;
  readonly outer: Ambient | undefined;
}

/*
 * One storage for every virtual clock: Node propagates each AsyncLocalStorage ever used to every promise made after
 * it, so a storage per clock would make each simulation in a process slower than the one before (docs/architecture.md §9).
 */
const ambient = new AsyncLocalStorage<Ambient>();

/**
 * Time that never waits: an execution's sleep returns at once, a handler's "now" is its touch's due instant, and a
 * signup's or a signal's "now" is the instant it happens (`at`). Anything else sees the simulation's start.
 */
export class VirtualClock implements Clock {
  constructor(private readonly origin: Date) {}

  now(): Date {
    return executionContext.getStore()?.now ?? this.ambientInstant() ?? this.origin;
  }

  async sleepUntil(_at: Date, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
  }

  /** Runs `fn` with "now" at `instant`. */
  at<T>(instant: Date, fn: () => T): T {
    return ambient.run({ clock: this, instant, outer: ambient.getStore() }, fn);
  }

  private ambientInstant(): Date | undefined {
    for (let set = ambient.getStore(); set; set = set.outer) if (set.clock === this) return set.instant;
    return undefined;
  }
}
