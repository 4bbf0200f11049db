import { createHash } from 'node:crypto';
import {
  type Cadence,
  type Channel,
  DEFAULT_MIN_GAP,
  DEFAULT_SEND_WINDOW,
  IMMEDIATE,
  type Step,
  WEEKDAYS,
  type Weekday,
} from './cadence-schema.ts';
import { type Duration, parseDuration } from './duration.ts';
import { UserError } from './errors.ts';
import { rfc3339Millis } from './rfc3339.ts';
import { atMinuteOf, nextDay, startOfDay } from './schedule-days.ts';
import { scheduleZone } from './schedule-zone.ts';
import { assertUnreachable } from './unreachable.ts';
import { fromISO, isTimeZone, SYSTEM_ZONE, UTC_ZONE, Zoned } from './zoned.ts';

export { isTimeZone } from './zoned.ts';

export interface SendWindow {
  readonly days: readonly Weekday[];
  readonly start: string;
  readonly end: string;
}

export interface ScheduledTouch {
  readonly step: string;
  readonly channel: Channel;
  readonly template: string;
  /** ISO 8601 in the schedule's zone, e.g. "2026-12-21T09:00:00-06:00". */
  readonly at: string;
}

export class InvalidTimeZone extends UserError {
  override readonly name = 'InvalidTimeZone';
  constructor(readonly zone: string) {
    super(`"${zone}" is not a time zone; use an IANA zone such as "America/Chicago"`);
  }
}

export class InvalidInstant extends UserError {
  override readonly name = 'InvalidInstant';
  constructor(readonly value: string) {
    super(`"${value}" is not an ISO 8601 date-time; use e.g. "2026-12-18T17:45:00-06:00"`);
  }
}

/** A transactional step (`"sendWindow": "immediate"`): it goes out at its raw due time, at any hour (§2.3). */
export const isImmediate = (step: Pick<Step, 'sendWindow'>): boolean => step.sendWindow === IMMEDIATE;

/**
 * The step's window: each field the step sets overrides the cadence's, which overrides the default. An immediate
 * step has none (isImmediate); for it this is the cadence's window, which the schedule does not apply.
 */
export function resolveWindow(
  cadence: Pick<Cadence, 'sendWindow'>,
  step: Pick<Step, 'sendWindow'>,
): SendWindow {
  const own = typeof step.sendWindow === 'object' ? step.sendWindow : undefined;
  return {
    days: own?.days ?? cadence.sendWindow?.days ?? DEFAULT_SEND_WINDOW.days,
    start: own?.start ?? cadence.sendWindow?.start ?? DEFAULT_SEND_WINDOW.start,
    end: own?.end ?? cadence.sendWindow?.end ?? DEFAULT_SEND_WINDOW.end,
  };
}

/** A cadence's `spread` in minutes; undefined when it has none. */
export function spreadMinutes(cadence: Pick<Cadence, 'spread'>): number | undefined {
  const spread = cadence.spread === undefined ? undefined : parseDuration(cadence.spread);
  if (!spread) return undefined;
  return spread.unit === 'hour' ? spread.n * 60 : spread.n;
}

/**
 * A lead's place in a spread, in [0, 1), from a SHA-256 of its id: the same lead lands at the same offset on every
 * retry, restart, engine and preview, and leads spread evenly whatever their ids look like.
 */
export function spreadFraction(leadId: string): number {
  return createHash('sha256').update(leadId).digest().readUIntBE(0, 6) / 2 ** 48;
}

/** The minutes a spread covers in this window: never past its end. */
const spreadSpan = (window: SendWindow, minutes: number) =>
  Math.min(minutes, minutesOfDay(window.end) - minutesOfDay(window.start));

/** `opened`, a window's start, `offset` seconds on; the start itself if a DST change would leave the window. */
function spreadFrom(opened: Zoned, window: SendWindow, offset: number): Zoned {
  const at = opened.plus({ seconds: offset });
  const wall = at.hour * 60 + at.minute;
  const inside = wall >= minutesOfDay(window.start) && wall < minutesOfDay(window.end);
  return inside && at.hasSameDay(opened) ? at : opened;
}

const twoDigits = (n: number) => String(n).padStart(2, '0');

export function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

const weekdayOf = (dt: Zoned): Weekday => WEEKDAYS[dt.weekday - 1] as Weekday;

function isBusinessDay(dt: Zoned, holidays: ReadonlySet<string>): boolean {
  return dt.weekday <= 5 && !holidays.has(dt.toISODate());
}

function mustParse(text: string): Duration {
  const duration = parseDuration(text);
  if (!duration) throw new Error(`"${text}" is not a duration`);
  return duration;
}

/** Adds a duration (docs/architecture.md §2.3): exact for minutes/hours, calendar for the rest, at B's wall time. */
export function addDuration(base: Zoned, duration: Duration, holidays: ReadonlySet<string>): Zoned {
  switch (duration.unit) {
    case 'minute':
      return base.plus({ minutes: duration.n });
    case 'hour':
      return base.plus({ hours: duration.n });
    case 'day':
      return base.plus({ days: duration.n });
    case 'week':
      return base.plus({ weeks: duration.n });
    case 'month':
      return base.plus({ months: duration.n });
    case 'business day': {
      let day = startOfDay(base);
      for (let counted = 0; counted < duration.n; ) {
        day = nextDay(day);
        if (isBusinessDay(day, holidays)) counted++;
      }
      return atWallTimeOf(day, base);
    }
    default:
      return assertUnreachable(duration.unit);
  }
}

function atWallTimeOf(day: Zoned, wall: Zoned): Zoned {
  return day.set({
    hour: wall.hour,
    minute: wall.minute,
    second: wall.second,
    millisecond: wall.millisecond,
  });
}

/** Moves an instant into the window: it stands if inside, else `start` on the first allowed day at or after it. */
export function fitWindow(candidate: Zoned, window: SendWindow, holidays: ReadonlySet<string>): Zoned {
  const start = minutesOfDay(window.start);
  const end = minutesOfDay(window.end);
  const allowed = (dt: Zoned) => window.days.includes(weekdayOf(dt)) && !holidays.has(dt.toISODate());
  const wall =
    candidate.hour * 60 + candidate.minute + candidate.second / 60 + candidate.millisecond / 60_000;
  if (allowed(candidate) && wall >= start && wall < end) return candidate;
  let day = startOfDay(candidate);
  if (!allowed(day) || wall >= start) day = nextDay(day);
  // Each holiday can cost at most a week (a one-day window whose only day it falls on), so this bound is safe.
  for (let guard = 0; !allowed(day); guard++) {
    if (guard > 7 * (holidays.size + 1)) throw new Error('the send window allows no day');
    day = nextDay(day);
  }
  return atMinuteOf(day, start);
}

function toZoned(enrolledAt: Date | string, zone: string): Zoned {
  const scheduled = isTimeZone(zone) ? scheduleZone(zone) : undefined;
  if (!scheduled) throw new InvalidTimeZone(zone);
  const instant =
    typeof enrolledAt === 'string' ? fromISO(enrolledAt, SYSTEM_ZONE)?.ms : enrolledAt.getTime();
  const zoned = instant === undefined ? undefined : Zoned.at(instant, scheduled);
  if (!zoned) throw new InvalidInstant(String(enrolledAt));
  return zoned;
}

/**
 * One step placed: its raw due time, the candidate after the minimum gap, the instant fitWindow gives, and the
 * final instant after the spread. An immediate step has no window: all four are its raw due time.
 */
interface PlacedStep {
  readonly step: Step;
  readonly raw: Zoned;
  readonly candidate: Zoned;
  readonly fitted: Zoned;
  readonly at: Zoned;
  readonly window?: SendWindow;
}

export interface ScheduleOptions {
  /** The lead's id: a cadence's `spread` places its touches by it. Without one a spread touch stays at the start. */
  readonly leadId?: string;
}

function placeSteps(
  cadence: Cadence,
  enrolled: Zoned,
  holidays: ReadonlySet<string>,
  options: ScheduleOptions,
): PlacedStep[] {
  const minGap = mustParse(cadence.minGap ?? DEFAULT_MIN_GAP);
  const spread = spreadMinutes(cadence);
  const fraction = spread !== undefined && options.leadId !== undefined ? spreadFraction(options.leadId) : 0;
  const placed: PlacedStep[] = [];
  for (const step of cadence.steps) {
    const previous = placed.at(-1)?.at;
    const raw =
      step.day !== undefined
        ? enrolled.plus({ days: step.day - 1 })
        : addDuration(previous ?? enrolled, mustParse(step.wait ?? ''), holidays);
    if (isImmediate(step)) {
      placed.push({ step, raw, candidate: raw, fitted: raw, at: raw });
      continue;
    }
    let candidate = raw;
    if (previous) {
      const earliest = addDuration(previous, minGap, holidays);
      if (earliest.ms > candidate.ms) candidate = earliest;
    }
    const window = resolveWindow(cadence, step);
    const fitted = fitWindow(candidate, window, holidays);
    // Only a touch moved to the window's start is spread: one inside the window already goes out as due.
    const offset = spread !== undefined && fitted !== candidate ? fraction * spreadSpan(window, spread) : 0;
    const at = offset > 0 ? spreadFrom(fitted, window, Math.floor(offset * 60)) : fitted;
    placed.push({ step, raw, candidate, fitted, at, window });
  }
  return placed;
}

const scheduledTouch = ({ step, at }: PlacedStep): ScheduledTouch => ({
  step: step.id,
  channel: step.channel,
  template: step.template,
  at: at.toISO({ suppressMilliseconds: true }),
});

/**
 * The schedule of docs/architecture.md §2.3: one due instant per step for a lead enrolled at `enrolledAt` in `zone`.
 * Pure: the same inputs give the same output, and production waits on exactly these instants. It builds no
 * explanation: every enrollment calls it, and only a preview reads why a touch moved.
 */
export function computeSchedule(
  cadence: Cadence,
  enrolledAt: Date | string,
  zone: string,
  options: ScheduleOptions = {},
): ScheduledTouch[] {
  const holidays = new Set(cadence.holidays ?? []);
  return placeSteps(cadence, toZoned(enrolledAt, zone), holidays, options).map(scheduledTouch);
}

export interface ExplainedTouch extends ScheduledTouch {
  /**
   * For people reading a preview: why the touch is later than its raw due time, or that it goes out immediately;
   * absent when it simply goes out when due.
   */
  readonly reason?: string;
}

/** computeSchedule's instants, each with the reason it moved from its raw due time. */
export function explainSchedule(
  cadence: Cadence,
  enrolledAt: Date | string,
  zone: string,
  options: ScheduleOptions = {},
): ExplainedTouch[] {
  const holidays = new Set(cadence.holidays ?? []);
  const minGap = cadence.minGap ?? DEFAULT_MIN_GAP;
  const spread = spreadMinutes(cadence);
  return placeSteps(cadence, toZoned(enrolledAt, zone), holidays, options).map((placed) => {
    const { raw, candidate, fitted, window } = placed;
    const reasons = window
      ? [why(raw, candidate, fitted, window, holidays, minGap), spreadNote(placed, spread, options)]
      : ['immediately, any hour'];
    const reason = reasons.filter(Boolean).join('; ');
    return { ...scheduledTouch(placed), ...(reason ? { reason } : {}) };
  });
}

/** What the spread did to a touch moved to its window's start: this lead's offset, or the span a lead may land in. */
function spreadNote(placed: PlacedStep, spread: number | undefined, options: ScheduleOptions): string {
  const { candidate, fitted, at, window } = placed;
  if (spread === undefined || !window || fitted === candidate) return '';
  const last = minutesOfDay(window.start) + spreadSpan(window, spread);
  const span = `${window.start}–${twoDigits(Math.floor(last / 60))}:${twoDigits(last % 60)}`;
  if (options.leadId === undefined) return `spread: each lead at its own time in ${span}`;
  const seconds = Math.trunc((at.ms - fitted.ms) / 1000);
  return `spread ${span}: +${Math.trunc(seconds / 60)}m ${twoDigits(seconds % 60)}s for this lead`;
}

function why(
  raw: Zoned,
  candidate: Zoned,
  at: Zoned,
  window: SendWindow,
  holidays: ReadonlySet<string>,
  minGap: string,
): string | undefined {
  const reasons: string[] = [];
  if (candidate.ms > raw.ms) reasons.push(`min gap ${minGap}`);
  if (at.ms > candidate.ms) {
    const date = candidate.toISODate();
    const time = candidate.hourMinute();
    if (holidays.has(date)) reasons.push(`holiday ${date}`);
    else if (!window.days.includes(weekdayOf(candidate)))
      reasons.push(`no sends on ${candidate.weekdayLong()}`);
    else if (time < window.start) reasons.push(`before ${window.start}`);
    else reasons.push(`after ${window.end}`);
    const skipped: string[] = [];
    for (
      let day = candidate.startOfDay().plus({ days: 1 });
      day.ms < at.startOfDay().ms;
      day = day.plus({ days: 1 })
    ) {
      if (holidays.has(day.toISODate())) skipped.push(day.dayMonth());
    }
    if (skipped.length) reasons.push(`skipped holiday ${skipped.join(', ')}`);
  }
  const moved = `${raw.weekdayShort()} ${raw.dayMonth()} ${raw.hourMinute()}`;
  return reasons.length ? `moved from ${moved}: ${reasons.join(', ')}` : undefined;
}

/** Instants as RFC 3339 UTC strings, the form Step Functions' Wait `TimestampPath` reads. */
export function toUtc(at: string): string {
  // Every enrollment and touch converts its instants: plain arithmetic for the usual spelling, the ISO reader for the rest.
  const millis = rfc3339Millis(at);
  if (millis !== undefined) {
    const iso = new Date(millis).toISOString();
    if (iso.length === 24) return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
  }
  const instant = fromISO(at, SYSTEM_ZONE);
  return (instant && Zoned.at(instant.ms, UTC_ZONE)?.toISO({ suppressMilliseconds: true })) ?? '';
}
