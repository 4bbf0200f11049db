import { Zoned } from '../core/zoned.ts';

/*
 * The reps who take new leads (#15): each with a weight, a zone and working hours. Pure: time arrives as an
 * argument, so the assignment and the SLA's business minutes give the same answer on every engine and retry.
 */

/** ISO weekday numbers, Monday = 1. */
const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export interface WorkingHours {
  /** "Mon-Fri", "Mon,Wed,Fri", "Sat-Sun": days (ranges may wrap, "Fri-Mon"). */
  readonly days: string;
  /** "HH:MM", 24-hour clock, in the rep's zone. */
  readonly from: string;
  readonly to: string;
}

export interface Rep {
  readonly name: string;
  /** Recorded as the lead's `owner`: the task email and reply forwards go here. */
  readonly email: string;
  readonly phone?: string | null;
  /** Its share of new leads, relative to the others'. */
  readonly weight: number;
  readonly timeZone: string;
  /** Absent: always on duty. */
  readonly hours?: WorkingHours;
}

/** Which weekdays (1–7) a days text names, or undefined when it is not one ("Mon-Fri", "mon,wed"). */
export function parseDays(text: string): ReadonlySet<number> | undefined {
  const days = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    const [first, last, ...rest] = part
      .trim()
      .split('-')
      .map((d) => d.trim().slice(0, 3));
    const from = DAY_NAMES.indexOf(first as (typeof DAY_NAMES)[number]);
    const to = last === undefined ? from : DAY_NAMES.indexOf(last as (typeof DAY_NAMES)[number]);
    if (from < 0 || to < 0 || rest.length > 0) return undefined;
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d + 1);
      if (d === to) break;
    }
  }
  return days;
}

/** The wall-clock time on that day; `set`, not adding minutes to midnight, so a DST change moves nothing. */
const atTime = (day: Zoned, hhmm: string) =>
  day.set({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)) });

interface Shift {
  readonly start: Zoned;
  readonly end: Zoned;
}

/** The rep's shift that contains `at` or starts after it, within two weeks; undefined for a rep always on duty. */
function shiftFrom(rep: Rep, at: Date): Shift | undefined {
  const { hours } = rep;
  if (!hours) return undefined;
  const days = parseDays(hours.days) ?? new Set<number>();
  const local = Zoned.at(at.getTime(), rep.timeZone);
  for (let i = 0; local && i < 15; i++) {
    const day = local.startOfDay().plus({ days: i });
    if (!days.has(day.weekday)) continue;
    const start = atTime(day, hours.from);
    const end = atTime(day, hours.to);
    if (end.ms > at.getTime()) return { start, end };
  }
  throw new Error(`rep ${rep.email} has no working day in "${hours.days}"`);
}

/** Whether the rep works at `at`. */
export function onDuty(rep: Rep, at: Date): boolean {
  const shift = shiftFrom(rep, at);
  return !shift || shift.start.ms <= at.getTime();
}

/** When the rep is next on duty at or after `at` (`at` itself when on duty now). */
export function nextOnDuty(rep: Rep, at: Date): Date {
  const shift = shiftFrom(rep, at);
  return shift && shift.start.ms > at.getTime() ? shift.start.toDate() : at;
}

/** `at` plus `minutes` of the rep's working time: off-duty time does not count (a rep always on duty: plain minutes). */
export function addWorkingMinutes(rep: Rep, at: Date, minutes: number): Date {
  let t = at.getTime();
  let left = minutes * 60_000;
  for (;;) {
    const shift = shiftFrom(rep, new Date(t));
    if (!shift) return new Date(t + left);
    const from = Math.max(t, shift.start.ms);
    const room = shift.end.ms - from;
    if (left <= room) return new Date(from + left);
    left -= room;
    t = shift.end.ms;
  }
}

/** The reps of `owners` with the defaults filled in; empty when the config names only `owner`. */
export function repsOf(config: {
  readonly owners?:
    | readonly (Omit<Rep, 'timeZone'> & { readonly timeZone?: string | undefined })[]
    | undefined;
  readonly defaultTimeZone: string;
}): readonly Rep[] {
  return (config.owners ?? []).map((rep) => ({ ...rep, timeZone: rep.timeZone ?? config.defaultTimeZone }));
}
