import type { DateTime } from 'luxon';

/*
 * Day-level luxon work of functions/core/schedule.ts, remembered: every lead's schedule steps through the same local
 * days (a midnight, the next day's, a window's start), and each of these is a pure function of what the key holds —
 * the zone, the locale, and the fields luxon reads (its date, its offset, which it takes as the guess for an
 * ambiguous wall time). A DateTime is immutable, so luxon's own answer, kept, is the answer every time.
 */

/** Answers kept per zone at most: a schedule meets a few hundred days. */
const MAX_KEPT = 20_000;
const kept = new WeakMap<object, Map<string, DateTime>>();

function recall(dt: DateTime, key: string, compute: () => DateTime): DateTime {
  let answers = kept.get(dt.zone);
  if (!answers) {
    answers = new Map();
    kept.set(dt.zone, answers);
  }
  const full = `${key}|${dt.locale}|${dt.numberingSystem}|${dt.outputCalendar}`;
  let answer = answers.get(full);
  if (!answer) {
    answer = compute();
    if (answers.size >= MAX_KEPT) answers.clear();
    answers.set(full, answer);
  }
  return answer;
}

/** dt.startOf('day'): luxon reads its date and its offset. */
export const startOfDay = (dt: DateTime): DateTime =>
  recall(dt, `start ${dt.year}-${dt.month}-${dt.day} ${dt.offset}`, () => dt.startOf('day'));

/** dt.plus({ days: 1 }): luxon reads its wall time and its offset, both given by its instant and offset. */
export const nextDay = (dt: DateTime): DateTime =>
  recall(dt, `next ${dt.toMillis()} ${dt.offset}`, () => dt.plus({ days: 1 }));

/** `minutes` past midnight on dt's date, as dt.set gives it: luxon reads its date and its offset. */
export const atMinuteOf = (dt: DateTime, minutes: number): DateTime =>
  recall(dt, `at ${minutes} ${dt.year}-${dt.month}-${dt.day} ${dt.offset}`, () =>
    dt.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 }),
  );
