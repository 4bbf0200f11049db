import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Foreground, GROW_BACK_MS, Slots } from '../../../local/slots.ts';

/*
 * The local runtime's invocation slots: the earliest due first, and background work that gives way to requests
 * being answered without ever stopping (docs/architecture.md §7).
 */

/** A piece of work that runs until the test lets it finish. */
function held() {
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { done, finish };
}

/** Enough turns of the event loop for every grant that can happen to happen. */
const turns = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('Slots', () => {
  // The idle grow-back runs on a timer: the tests move it themselves, so no turn count depends on the machine's speed.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives background work its slots back while no request is in flight, though nothing it runs finishes', async () => {
    // Prepare: a request answered while the first of eight long pieces (slow sends) took the one slot left
    const foreground = new Foreground();
    const slots = new Slots(4, foreground);
    const signal = new AbortController().signal;
    const pieces = Array.from({ length: 8 }, () => held());
    let running = 0;
    const answered = foreground.enter();
    const all = pieces.map((piece) =>
      slots.run(signal, async () => {
        running++;
        await piece.done;
      }),
    );
    await turns();
    const during = running;
    answered();

    // Act: idle time passes, one grow-back period at a time
    const grown: number[] = [];
    for (let i = 0; i < 4; i++) {
      vi.advanceTimersByTime(GROW_BACK_MS);
      await turns();
      grown.push(running);
    }
    for (const piece of pieces) piece.finish();
    await Promise.all(all);

    // Assess: one slot while the request was answered, then back to all four with none finished
    expect(during).toBe(1);
    expect(grown).toEqual([2, 3, 4, 4]);
  });

  it('grants the lowest priority first, and in arrival order among equals', async () => {
    // Prepare: one slot, taken, and five waiters of mixed priorities
    const slots = new Slots(1);
    const signal = new AbortController().signal;
    const first = held();
    const ran: string[] = [];
    const taken = slots.run(signal, () => first.done);
    const waiting = (
      [
        ['c', 30],
        ['a1', 10],
        ['b', 20],
        ['a2', 10],
        ['d', 40],
      ] as const
    ).map(([name, priority]) => slots.run(signal, async () => void ran.push(name), priority));

    // Act
    first.finish();
    await Promise.all([taken, ...waiting]);

    // Assess
    expect(ran).toEqual(['a1', 'a2', 'b', 'c', 'd']);
  });

  it('runs one piece at a time while a request is in flight, and grows back to its size one piece at a time after', async () => {
    // Prepare: four slots, sixteen pieces of background work each held until the test finishes it
    const foreground = new Foreground();
    const slots = new Slots(4, foreground);
    const signal = new AbortController().signal;
    const pieces = Array.from({ length: 16 }, () => held());
    let running = 0;
    const peaks: number[] = [];
    const started: number[] = [];
    const all = pieces.map((piece, i) =>
      slots.run(signal, async () => {
        started.push(i);
        running++;
        await piece.done;
        running--;
      }),
    );
    await turns();
    const before = running;

    // Act: a request arrives while four run; the test finishes pieces one by one while it is answered
    const answered = foreground.enter();
    for (const i of [0, 1, 2, 3, 4, 5]) {
      pieces[i]?.finish();
      await turns();
      peaks.push(running);
    }
    answered();
    for (const i of [6, 7, 8]) {
      pieces[i]?.finish();
      await turns();
      peaks.push(running);
    }
    for (const piece of pieces) piece.finish();
    await Promise.all(all);

    // Assess: 4 before the request; the three already running drain, then one at a time; after it, 2, 3, 4 again
    expect(before).toBe(4);
    expect(peaks.slice(0, 6)).toEqual([3, 2, 1, 1, 1, 1]);
    expect(peaks.slice(6, 9)).toEqual([2, 3, 4]);
    expect(started).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });

  it('never leaves background work waiting while a request stays in flight', async () => {
    // Prepare: a request that is never answered during the test
    const foreground = new Foreground();
    const slots = new Slots(8, foreground);
    const signal = new AbortController().signal;
    foreground.enter();

    // Act
    const ran: number[] = [];
    await Promise.all(Array.from({ length: 30 }, (_, i) => slots.run(signal, async () => void ran.push(i))));

    // Assess
    expect(ran).toHaveLength(30);
  });

  it('drops a waiter whose signal aborts, and gives its turn to the next', async () => {
    // Prepare
    const slots = new Slots(1, new Foreground());
    const first = held();
    const stopped = new AbortController();
    const ran: string[] = [];
    const taken = slots.run(new AbortController().signal, () => first.done);
    const dropped = slots.run(stopped.signal, async () => void ran.push('dropped'));
    const next = slots.run(new AbortController().signal, async () => void ran.push('next'));

    // Act
    stopped.abort();
    first.finish();

    // Assess
    await expect(dropped).rejects.toThrow();
    await Promise.all([taken, next]);
    expect(ran).toEqual(['next']);
  });
});
