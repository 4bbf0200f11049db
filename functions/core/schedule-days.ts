import type { TimeZone, Zoned } from './zoned.ts';

/*
 * Day-level work of functions/core/schedule.ts, remembered: every lead's schedule steps through the same local days
 * (a midnight, the next day's, a window's start), and each of these is a pure function of what the key holds — the
 * zone, and the fields the arithmetic reads (its date, its offset, which it takes as the guess for an ambiguous wall
 * time). A Zoned is immutable, so the answer kept is the answer every time.
 */

/** Answers kept per zone at most: a schedule meets a few hundred days. */
const MAX_KEPT = 20_000;
const kept = new WeakMap<TimeZone, Map<string, Zoned>>();

function recall(dt: Zoned, key: string, compute: () => Zoned): Zoned {
  let answers = kept.get(dt.zone);
  if (!answers) {
    answers = new Map();
    kept.set(dt.zone, answers);
  }
  let answer = answers.get(key);
  if (!answer) {
    answer = compute();
    if (answers.size >= MAX_KEPT) answers.clear();
    answers.set(key, answer);
  }
  return answer;
}

/** dt's midnight: it reads its date and its offset. */
export const startOfDay = (dt: Zoned): Zoned =>
  recall(dt, `start ${dt.year}-${dt.month}-${dt.day} ${dt.offset}`, () => dt.startOfDay());

/** dt a calendar day on: it reads its wall time and its offset, both given by its instant and offset. */
export const nextDay = (dt: Zoned): Zoned =>
  recall(dt, `next ${dt.ms} ${dt.offset}`, () => dt.plus({ days: 1 }));

/** `minutes` past midnight on dt's date, set on the wall clock: it reads its date and its offset. */
export const atMinuteOf = (dt: Zoned, minutes: number): Zoned =>
  recall(dt, `at ${minutes} ${dt.year}-${dt.month}-${dt.day} ${dt.offset}`, () =>
    dt.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 }),
  );
