import { tzOffset } from '@date-fns/tz/tzOffset';

/*
 * Instants read on a zone's wall clock, for the Lambdas without luxon (docs/architecture.md §9: it was 71 KB of every
 * bundle). Offsets come from @date-fns/tz (Intl's zone data); the wall-clock arithmetic follows luxon's own rules, so
 * every schedule and every formatted string is what luxon gave (test/unit/functions/core/zoned.test.ts compares the two):
 * calendar units move the wall clock and keep the old offset as the guess for an ambiguous result, a wall time in a DST
 * gap moves forward by the gap, and minutes or hours are exact.
 */

/** A zone as luxon's setZone(name) reads it: "utc" and "gmt" (any case) are fixed UTC, printed "Z"; other names IANA. */
export interface TimeZone {
  readonly name: string;
  /** Fixed UTC: its ISO offset is "Z" and its short name "UTC". */
  readonly universal: boolean;
  /** The offset east of UTC in minutes at `ms`; NaN for a zone Intl does not know. */
  offset(ms: number): number;
}

export const UTC_ZONE: TimeZone = { name: 'UTC', universal: true, offset: () => 0 };

/** The process's own zone, as luxon's default: where a Lambda runs it is UTC, on a laptop the laptop's. */
export const SYSTEM_ZONE: TimeZone = {
  name: Intl.DateTimeFormat().resolvedOptions().timeZone,
  universal: false,
  offset: (ms) => -new Date(ms).getTimezoneOffset(),
};

const MAX_ZONES = 4096;
const validity = new Map<string, boolean>();

/** Whether `zone` names a time zone Intl knows: the check luxon's IANAZone.isValidZone makes, remembered. */
export function isTimeZone(zone: string): boolean {
  if (zone === '') return false;
  let valid = validity.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone }).format();
      valid = true;
    } catch {
      valid = false;
    }
    // The bound is for a caller that makes up names; real spellings are few.
    if (validity.size >= MAX_ZONES) validity.clear();
    validity.set(zone, valid);
  }
  return valid;
}

const zones = new Map<string, TimeZone>();

/** The zone named `name`, undefined when Intl does not know it. */
export function zoneNamed(name: string): TimeZone | undefined {
  const lowered = name.toLowerCase();
  if (lowered === 'utc' || lowered === 'gmt') return UTC_ZONE;
  if (!isTimeZone(name)) return undefined;
  let zone = zones.get(name);
  if (!zone) {
    zone = { name, universal: false, offset: (ms) => tzOffset(name, new Date(ms)) };
    if (zones.size >= MAX_ZONES) zones.clear();
    zones.set(name, zone);
  }
  return zone;
}

export interface WallFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

const MINUTE_MS = 60_000;

/** Wall fields as if they were UTC, in ms (luxon's objToLocalTS, years 0–99 included). */
function wallMillis(c: WallFields): number {
  const d = new Date(Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second, c.millisecond));
  if (c.year < 100 && c.year >= 0) d.setUTCFullYear(c.year, c.month - 1, c.day);
  return d.getTime();
}

const floorMod = (x: number, n: number) => x - n * Math.floor(x / n);

export function daysInMonth(year: number, month: number): number {
  const modMonth = floorMod(month - 1, 12) + 1;
  const modYear = year + (month - modMonth) / 12;
  if (modMonth === 2) return modYear % 4 === 0 && (modYear % 100 !== 0 || modYear % 400 === 0) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][modMonth - 1] as number;
}

/** The instant of wall time `local` in `zone`, `guess` the offset to try first (luxon's fixOffset). */
function fixOffset(local: number, guess: number, zone: TimeZone): [ms: number, offset: number] {
  let utc = local - guess * MINUTE_MS;
  const o2 = zone.offset(utc);
  if (guess === o2) return [utc, guess];
  utc -= (o2 - guess) * MINUTE_MS;
  const o3 = zone.offset(utc);
  if (o2 === o3) return [utc, o2];
  // A wall time in a DST gap: it moves forward by the gap.
  return [local - Math.min(o2, o3) * MINUTE_MS, Math.max(o2, o3)];
}

const pad = (n: number, width = 2) => {
  const text = String(Math.trunc(Math.abs(n))).padStart(width, '0');
  return n < 0 ? `-${text}` : text;
};

const WEEKDAYS_SHORT = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const WEEKDAYS_LONG = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface CalendarStep {
  readonly years?: number;
  readonly months?: number;
  readonly weeks?: number;
  readonly days?: number;
  readonly hours?: number;
  readonly minutes?: number;
  readonly seconds?: number;
}

/** An instant on a zone's wall clock: immutable, as luxon's DateTime, with the part of its API the Lambdas use. */
export class Zoned implements WallFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  /** Midnight of a calendar date in `zone` (luxon's DateTime.fromObject / utc); undefined for a date that does not exist. */
  static date(year: number, month: number, day: number, zone: TimeZone | string): Zoned | undefined {
    const exists =
      Number.isInteger(year) &&
      Number.isInteger(month) &&
      Number.isInteger(day) &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= daysInMonth(year, month);
    return exists
      ? Zoned.fromWall({ year, month, day, hour: 0, minute: 0, second: 0, millisecond: 0 }, zone)
      : undefined;
  }

  /** ISO weekday: 1 is Monday, 7 Sunday. */
  readonly weekday: number;

  private constructor(
    readonly ms: number,
    readonly zone: TimeZone,
    /** Minutes east of UTC at this instant. */
    readonly offset: number,
  ) {
    const wall = new Date(ms + offset * MINUTE_MS);
    this.year = wall.getUTCFullYear();
    this.month = wall.getUTCMonth() + 1;
    this.day = wall.getUTCDate();
    this.hour = wall.getUTCHours();
    this.minute = wall.getUTCMinutes();
    this.second = wall.getUTCSeconds();
    this.millisecond = wall.getUTCMilliseconds();
    this.weekday = wall.getUTCDay() || 7;
  }

  /** `ms` in `zone`; undefined for an invalid instant or a zone Intl does not know. */
  static at(ms: number, zone: TimeZone | string): Zoned | undefined {
    const found = typeof zone === 'string' ? zoneNamed(zone) : zone;
    if (!found || !Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
    const offset = found.offset(ms);
    return Number.isNaN(offset) ? undefined : new Zoned(ms, found, offset);
  }

  /** A wall time in `zone`, `guess` the offset tried first for an ambiguous one (luxon: the zone's offset now). */
  static fromWall(fields: WallFields, zone: TimeZone | string, guess?: number): Zoned | undefined {
    const found = typeof zone === 'string' ? zoneNamed(zone) : zone;
    if (!found) return undefined;
    const [ms, offset] = fixOffset(wallMillis(fields), guess ?? found.offset(Date.now()), found);
    return Number.isNaN(ms) ? undefined : new Zoned(ms, found, offset);
  }

  /** luxon's plus: years, months, weeks and days move the wall clock; hours, minutes and seconds are exact. */
  plus(step: CalendarStep): Zoned {
    const year = this.year + Math.trunc(step.years ?? 0);
    const month = this.month + Math.trunc(step.months ?? 0);
    const day =
      Math.min(this.day, daysInMonth(year, month)) +
      Math.trunc(step.days ?? 0) +
      Math.trunc(step.weeks ?? 0) * 7;
    let [ms, offset] = fixOffset(wallMillis({ ...this.fields(), year, month, day }), this.offset, this.zone);
    const exact = ((step.hours ?? 0) * 60 + (step.minutes ?? 0)) * MINUTE_MS + (step.seconds ?? 0) * 1000;
    if (exact !== 0) {
      ms += exact;
      offset = this.zone.offset(ms);
    }
    return new Zoned(ms, this.zone, offset);
  }

  /** luxon's set: the fields given replace the wall clock's, the day kept within a changed month. */
  set(fields: Partial<WallFields>): Zoned {
    const mixed = { ...this.fields(), ...fields };
    if (fields.day === undefined) mixed.day = Math.min(this.day, daysInMonth(mixed.year, mixed.month));
    const [ms, offset] = fixOffset(wallMillis(mixed), this.offset, this.zone);
    return new Zoned(ms, this.zone, offset);
  }

  /** Midnight of this wall day (or the first instant after it, when a DST gap takes midnight). */
  startOfDay(): Zoned {
    return this.set({ hour: 0, minute: 0, second: 0, millisecond: 0 });
  }

  /** Whether `other` falls within this instant's wall day: from its start to the next day's (luxon's hasSame). */
  hasSameDay(other: Zoned): boolean {
    return this.startOfDay().ms <= other.ms && other.ms < this.plus({ days: 1 }).startOfDay().ms;
  }

  toDate(): Date {
    return new Date(this.ms);
  }

  /** "2026-12-01". */
  toISODate(): string {
    const year =
      this.year > 9999
        ? `+${pad(this.year, 6)}`
        : this.year < 0
          ? `-${pad(-this.year, 6)}`
          : pad(this.year, 4);
    return `${year}-${pad(this.month)}-${pad(this.day)}`;
  }

  /** "2026-12-01T09:00:00.000-06:00", or "…T09:00:00-06:00" with `suppressMilliseconds`; "Z" in fixed UTC. */
  toISO(options: { readonly suppressMilliseconds?: boolean } = {}): string {
    const ms = this.millisecond !== 0 || !options.suppressMilliseconds ? `.${pad(this.millisecond, 3)}` : '';
    const o = this.offset;
    const zone =
      this.zone.universal && o === 0
        ? 'Z'
        : `${o < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(o) / 60))}:${pad(Math.trunc(Math.abs(o) % 60))}`;
    return `${this.toISODate()}T${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}${ms}${zone}`;
  }

  /** "Tue". */
  weekdayShort(): string {
    return WEEKDAYS_SHORT[this.weekday - 1] as string;
  }

  /** "Tuesday". */
  weekdayLong(): string {
    return WEEKDAYS_LONG[this.weekday - 1] as string;
  }

  /** "1 Dec": luxon's `d LLL`. */
  dayMonth(): string {
    return `${this.day} ${MONTHS_SHORT[this.month - 1]}`;
  }

  /** "1 Dec 2026": luxon's `d LLL yyyy`. */
  dayMonthYear(): string {
    return `${this.dayMonth()} ${pad(this.year, 4)}`;
  }

  /** "09:00": luxon's `HH:mm`. */
  hourMinute(): string {
    return `${pad(this.hour)}:${pad(this.minute)}`;
  }

  /** The zone's short name here ("CST", "GMT+5:45"), as luxon's `ZZZZ` in en-US; "UTC" for fixed UTC. */
  zoneAbbreviation(): string | null {
    return this.zone.universal ? 'UTC' : shortZoneName(this.ms, this.zone.name);
  }

  private fields(): WallFields & { day: number } {
    const { year, month, day, hour, minute, second, millisecond } = this;
    return { year, month, day, hour, minute, second, millisecond };
  }
}

/** What luxon prints for a DateTime it could not make. */
export const INVALID_TEXT = 'Invalid DateTime';

/** One formatter per zone: building an Intl.DateTimeFormat is most of the cost of naming a zone. */
const zoneNameFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's short name at `ms` with the options luxon's `ZZZZ` passes Intl. */
function shortZoneName(ms: number, zone: string): string | null {
  let format = zoneNameFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZoneName: 'short',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: zone,
    });
    if (zoneNameFormats.size >= MAX_ZONES) zoneNameFormats.clear();
    zoneNameFormats.set(zone, format);
  }
  const part = format.formatToParts(ms).find((p) => p.type.toLowerCase() === 'timezonename');
  return part ? part.value : null;
}

/**
 * luxon's ISO 8601 calendar form: "2026-12-01", "2026-12", "2026", with "T09", "T09:00", "T09:00:00.123" and an
 * offset ("Z", "-06", "-0600", "-06:00"); basic spellings too ("20261201T0900"). Week and ordinal dates are not read.
 */
const ISO =
  /^([+-]\d{6}|\d{4})(?:-?(\d\d)(?:-?(\d\d))?)?(?:[Tt](\d\d)(?::?(\d\d)(?::?(\d\d)(?:[.,](\d{1,30}))?)?)?(?:([Zz])|([+-]\d\d)(?::?(\d\d))?)?)?$/;

export interface IsoParts {
  readonly wall: WallFields;
  /** The offset the text gives, in minutes; undefined when it gives none. */
  readonly offset?: number;
}

/** The fields of an ISO 8601 text, checked as luxon checks them; undefined when it is not one. */
export function isoParts(text: string): IsoParts | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const int = (i: number, fallback: number) => (m[i] === undefined ? fallback : Number.parseInt(m[i], 10));
  const wall: WallFields = {
    year: int(1, 0),
    month: int(2, 1),
    day: int(3, 1),
    hour: int(4, 0),
    minute: int(5, 0),
    second: int(6, 0),
    millisecond: m[7] === undefined ? 0 : Math.floor(Number.parseFloat(`0.${m[7]}`) * 1000),
  };
  const between = (n: number, low: number, high: number) => n >= low && n <= high;
  const midnightAfter = wall.hour === 24 && wall.minute === 0 && wall.second === 0 && wall.millisecond === 0;
  const valid =
    between(wall.month, 1, 12) &&
    between(wall.day, 1, daysInMonth(wall.year, wall.month)) &&
    (between(wall.hour, 0, 23) || midnightAfter) &&
    between(wall.minute, 0, 59) &&
    between(wall.second, 0, 59);
  if (!valid) return undefined;
  if (m[8]) return { wall, offset: 0 };
  if (m[9] === undefined) return { wall };
  const hours = Number.parseInt(m[9], 10);
  const minutes = int(10, 0);
  return { wall, offset: hours * 60 + (hours < 0 || Object.is(hours, -0) ? -minutes : minutes) };
}

/** luxon's DateTime.fromISO(text, { zone }): a text with an offset is that instant, one without is wall time there. */
export function fromISO(text: string, zone: TimeZone | string): Zoned | undefined {
  const parts = isoParts(text);
  if (!parts) return undefined;
  if (parts.offset === undefined) return Zoned.fromWall(parts.wall, zone);
  const ms = wallMillis(parts.wall) - parts.offset * MINUTE_MS;
  return Zoned.at(ms, zone);
}
