import { createHash } from 'node:crypto';
import { DateTime, IANAZone, Duration as Span } from 'luxon';
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
function spreadFrom(opened: DateTime, window: SendWindow, offset: number): DateTime {
  const at = opened.plus({ seconds: offset });
  const wall = at.hour * 60 + at.minute;
  const inside = wall >= minutesOfDay(window.start) && wall < minutesOfDay(window.end);
  return inside && at.hasSame(opened, 'day') ? at : opened;
}

export function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

const weekdayOf = (dt: DateTime): Weekday => WEEKDAYS[dt.weekday - 1] as Weekday;

function isBusinessDay(dt: DateTime, holidays: ReadonlySet<string>): boolean {
  return dt.weekday <= 5 && !holidays.has(dt.toISODate() ?? '');
}

function mustParse(text: string): Duration {
  const duration = parseDuration(text);
  if (!duration) throw new Error(`"${text}" is not a duration`);
  return duration;
}

/** Adds a duration (docs/architecture.md §2.3): exact for minutes/hours, calendar for the rest, at B's wall time. */
export function addDuration(base: DateTime, duration: Duration, holidays: ReadonlySet<string>): DateTime {
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

function atWallTimeOf(day: DateTime, wall: DateTime): DateTime {
  return day.set({
    hour: wall.hour,
    minute: wall.minute,
    second: wall.second,
    millisecond: wall.millisecond,
  });
}

/** Moves an instant into the window: it stands if inside, else `start` on the first allowed day at or after it. */
export function fitWindow(candidate: DateTime, window: SendWindow, holidays: ReadonlySet<string>): DateTime {
  const start = minutesOfDay(window.start);
  const end = minutesOfDay(window.end);
  const allowed = (dt: DateTime) =>
    window.days.includes(weekdayOf(dt)) && !holidays.has(dt.toISODate() ?? '');
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

/**
 * Whether `zone` names an IANA time zone. luxon's isValidZone builds an Intl.DateTimeFormat on every call; a zone
 * object it creates is cached and knows its validity, so asking it is a lookup after the first time.
 */
export function isTimeZone(zone: string): boolean {
  return zone !== '' && IANAZone.create(zone).isValid;
}

function toZoned(enrolledAt: Date | string, zone: string): DateTime {
  if (!isTimeZone(zone)) throw new InvalidTimeZone(zone);
  const instant =
    typeof enrolledAt === 'string'
      ? DateTime.fromISO(enrolledAt, { setZone: true })
      : DateTime.fromJSDate(enrolledAt);
  if (!instant.isValid) throw new InvalidInstant(String(enrolledAt));
  return instant.setZone(scheduleZone(zone));
}

/**
 * One step placed: its raw due time, the candidate after the minimum gap, the instant fitWindow gives, and the
 * final instant after the spread. An immediate step has no window: all four are its raw due time.
 */
interface PlacedStep {
  readonly step: Step;
  readonly raw: DateTime;
  readonly candidate: DateTime;
  readonly fitted: DateTime;
  readonly at: DateTime;
  readonly window?: SendWindow;
}

export interface ScheduleOptions {
  /** The lead's id: a cadence's `spread` places its touches by it. Without one a spread touch stays at the start. */
  readonly leadId?: string;
}

function placeSteps(
  cadence: Cadence,
  enrolled: DateTime,
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
      if (earliest > candidate) candidate = earliest;
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
  at: at.toISO({ suppressMilliseconds: true }) ?? '',
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
  const last = Span.fromObject({ minutes: minutesOfDay(window.start) + spreadSpan(window, spread) });
  const span = `${window.start}–${last.toFormat('hh:mm')}`;
  if (options.leadId === undefined) return `spread: each lead at its own time in ${span}`;
  return `spread ${span}: +${at.diff(fitted).toFormat("m'm' ss's'")} for this lead`;
}

function why(
  raw: DateTime,
  candidate: DateTime,
  at: DateTime,
  window: SendWindow,
  holidays: ReadonlySet<string>,
  minGap: string,
): string | undefined {
  const reasons: string[] = [];
  if (candidate > raw) reasons.push(`min gap ${minGap}`);
  if (at > candidate) {
    const date = candidate.toISODate() ?? '';
    const time = candidate.toFormat('HH:mm');
    if (holidays.has(date)) reasons.push(`holiday ${date}`);
    else if (!window.days.includes(weekdayOf(candidate)))
      reasons.push(`no sends on ${candidate.toFormat('cccc')}`);
    else if (time < window.start) reasons.push(`before ${window.start}`);
    else reasons.push(`after ${window.end}`);
    const skipped: string[] = [];
    for (
      let day = candidate.startOf('day').plus({ days: 1 });
      day < at.startOf('day');
      day = day.plus({ days: 1 })
    ) {
      if (holidays.has(day.toISODate() ?? '')) skipped.push(day.toFormat('d LLL'));
    }
    if (skipped.length) reasons.push(`skipped holiday ${skipped.join(', ')}`);
  }
  return reasons.length ? `moved from ${raw.toFormat('ccc d LLL HH:mm')}: ${reasons.join(', ')}` : undefined;
}

/** Instants as RFC 3339 UTC strings, the form Step Functions' Wait `TimestampPath` reads. */
export function toUtc(at: string): string {
  // Every enrollment and touch converts its instants: plain arithmetic for the usual spelling, luxon for the rest.
  const millis = rfc3339Millis(at);
  if (millis !== undefined) {
    const iso = new Date(millis).toISOString();
    if (iso.length === 24) return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
  }
  return DateTime.fromISO(at, { setZone: true }).toUTC().toISO({ suppressMilliseconds: true }) ?? '';
}
