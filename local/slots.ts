/**
 * Requests being answered (the dashboard and API), so background work can give way to them: while one is in
 * flight, background work takes one slot at a time (docs/architecture.md §7).
 */
export class Foreground {
  private inFlight = 0;
  private readonly listeners = new Set<(busy: boolean) => void>();

  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** One request more in flight; call the returned function once when it has been answered. */
  enter(): () => void {
    if (this.inFlight++ === 0) this.tell(true);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (--this.inFlight === 0) this.tell(false);
    };
  }

  /** Calls `listener` each time requests start (true) or stop (false) being in flight; returns the unsubscribe. */
  onChange(listener: (busy: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(busy: boolean): void {
    for (const listener of this.listeners) listener(busy);
  }
}

/** How long the foreground must stay idle for the background to get one more slot back without a piece finishing. */
export const GROW_BACK_MS = 50;

interface Waiter {
  readonly priority: number;
  readonly seq: number;
  readonly grant: () => void;
}

/**
 * At most `size` pieces of work at once; the rest wait, the lowest priority first (a touch's due instant), then in
 * arrival order. A waiter whose signal aborts leaves the queue without running, so a stopped execution never takes
 * a slot. Given a `Foreground`, each grant waits a turn of the event loop (so requests already received are read
 * first), the work in flight drops to one slot while a request is being answered, and it grows back one slot per
 * finished piece, so requests that follow one another keep it low — and, while no request is in flight, one slot
 * every GROW_BACK_MS whatever runs, so work that holds its slot long (a slow send) never keeps the rest waiting.
 */
export class Slots {
  private running = 0;
  private allowance: number;
  private readonly waiting: Waiter[] = [];
  private arrivals = 0;
  private pumping = false;

  constructor(
    readonly size: number,
    private readonly foreground?: Foreground,
  ) {
    if (!(size >= 1)) throw new RangeError(`a concurrency limit must be 1 or more, not ${size}`);
    this.allowance = size;
    foreground?.onChange((busy) => {
      if (busy) this.allowance = 1;
      else this.growBack();
    });
  }

  async run<T>(signal: AbortSignal, work: () => Promise<T>, priority = 0): Promise<T> {
    await this.acquire(signal, priority);
    try {
      signal.throwIfAborted(); // aborted in the turn between its grant and now
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal, priority: number): Promise<void> {
    signal.throwIfAborted();
    if (!this.foreground && this.running < this.allowance) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        priority,
        seq: this.arrivals++,
        grant: () => {
          signal.removeEventListener('abort', leave);
          resolve();
        },
      };
      const leave = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', leave, { once: true });
      this.waiting.splice(this.positionOf(waiter), 0, waiter);
      this.schedule();
    });
  }

  /** Where `waiter` goes in the queue: after every waiter of a lower or equal priority (a binary search). */
  private positionOf(waiter: Waiter): number {
    let low = 0;
    let high = this.waiting.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.waiting[middle] as Waiter).priority <= waiter.priority) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private release(): void {
    this.running--;
    if (!this.foreground?.busy) this.allowance = Math.min(this.size, this.allowance + 1);
    this.schedule();
  }

  /** While idle, one slot more every GROW_BACK_MS up to `size`; a request in flight stops it (and drops to one). */
  private growBack(): void {
    if (this.growing || this.allowance >= this.size) return;
    this.growing = setTimeout(() => {
      this.growing = undefined;
      if (this.foreground?.busy) return;
      this.allowance = Math.min(this.size, this.allowance + 1);
      this.schedule();
      this.growBack();
    }, GROW_BACK_MS);
    // Never what keeps a process alive.
    this.growing.unref();
  }
  private growing: ReturnType<typeof setTimeout> | undefined;

  private schedule(): void {
    if (!this.foreground) {
      this.grant();
      return;
    }
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      this.grant();
    });
  }

  private grant(): void {
    while (this.running < this.allowance && this.waiting.length > 0) {
      this.running++;
      (this.waiting.shift() as Waiter).grant();
      // Given a foreground, one grant per turn: what arrived meanwhile is read before the next.
      if (this.foreground) {
        this.schedule();
        return;
      }
    }
  }
}
