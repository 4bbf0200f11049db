import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseCadence } from '../../../../functions/core/cadence.ts';
import { WEEKDAYS, type Weekday } from '../../../../functions/core/cadence-schema.ts';
import { addDuration, computeSchedule, fitWindow, toUtc } from '../../../../functions/core/schedule.ts';
import { zonedOf } from '../../../support/luxon-oracle.ts';

/*
 * The shortcuts schedule.ts takes for speed (docs/architecture.md §9) against plain luxon: toUtc's arithmetic for
 * the usual spelling, the zone that reads offsets at whole hours, and the day-level answers kept per zone. Any one
 * wrong moves a touch.
 */

const luxonUtc = (at: string) =>
  DateTime.fromISO(at, { setZone: true }).toUTC().toISO({ suppressMilliseconds: true }) ?? '';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** RFC 3339 spellings with fields in and out of range: a 30 February, a 24:00, a +23:59 offset. */
const spelled = fc
  .record({
    year: fc.integer({ min: 990, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 24 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 60 }),
    millis: fc.option(fc.integer({ min: 0, max: 999 })),
    offset: fc.option(
      fc.record({
        sign: fc.constantFrom('+', '-'),
        hours: fc.integer({ min: 0, max: 24 }),
        minutes: fc.integer({ min: 0, max: 60 }),
      }),
    ),
  })
  .map(({ year, month, day, hour, minute, second, millis, offset }) => {
    const fraction = millis === null ? '' : `.${pad(millis, 3)}`;
    const zone = offset === null ? 'Z' : `${offset.sign}${pad(offset.hours)}:${pad(offset.minutes)}`;
    return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${fraction}${zone}`;
  });

describe('toUtc', () => {
  it('spells every RFC 3339 instant, valid or not, exactly as luxon does', () => {
    fc.assert(
      fc.property(spelled, (at) => {
        expect(toUtc(at)).toBe(luxonUtc(at));
      }),
      { numRuns: 5000 },
    );
  });

  it('spells the edges as luxon does: a leap day, the last instant of 9999, other ISO forms', () => {
    for (const at of [
      '2028-02-29T23:30:00-01:00',
      '2026-02-29T10:00:00Z',
      '9999-12-31T23:59:59.999-01:00',
      '2026-07-06T09:00:00.000Z',
      '2026-07-06T09:00Z',
      '2026-07-06T09:00:00.1234Z',
      '20260706T090000Z',
      'not a date',
    ]) {
      expect(toUtc(at), at).toBe(luxonUtc(at));
    }
  });
});

describe('computeSchedule in zones whose offsets change', () => {
  const everyDay = parseCadence({
    id: 'daily',
    name: 'Daily',
    sendWindow: { days: [...WEEKDAYS], start: '00:00', end: '23:59' },
    minGap: '1 minute',
    steps: Array.from({ length: 8 }, (_, i) => ({
      id: `s${i}`,
      day: 1 + i * 23,
      channel: 'email',
      template: 't',
    })),
  });
  if (!everyDay.ok) throw new Error(JSON.stringify(everyDay.issues));

  it("places each calendar day at the enrollment's wall time, as luxon's own zone does, across DST changes", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2026-01-01T00:00:00Z'),
          max: new Date('2028-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom('America/Chicago', 'Australia/Lord_Howe', 'Europe/London', 'Asia/Kathmandu', 'UTC'),
        (enrolledAt, zone) => {
          const expected = everyDay.cadence.steps.map((step) => {
            const raw = DateTime.fromJSDate(enrolledAt)
              .setZone(zone)
              .plus({ days: (step.day ?? 1) - 1 });
            return raw.toISO({ suppressMilliseconds: true });
          });
          const placed = computeSchedule(everyDay.cadence, enrolledAt, zone).map((t) => t.at);
          // The window is all day but 23:59: a raw time in that last minute moves to the next midnight.
          const inWindow = expected.map((at, i) => (at?.slice(11, 16) === '23:59' ? placed[i] : at));
          expect(placed).toEqual(inWindow);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('the day-level answers kept per zone', () => {
  /** Zones whose clocks change at or near midnight, and on the half hour, where luxon's answers are least regular. */
  const zones = [
    'America/Santiago',
    'America/Havana',
    'America/Asuncion',
    'Asia/Beirut',
    'Australia/Lord_Howe',
  ];
  const day = (dt: DateTime) => dt.toISODate() ?? '';

  /** fitWindow and a business-day wait as luxon computes them with nothing kept. */
  const plainFit = (
    candidate: DateTime,
    days: readonly Weekday[],
    start: number,
    end: number,
    holidays: Set<string>,
  ) => {
    const allowed = (dt: DateTime) =>
      days.includes(WEEKDAYS[dt.weekday - 1] as Weekday) && !holidays.has(day(dt));
    const wall =
      candidate.hour * 60 + candidate.minute + candidate.second / 60 + candidate.millisecond / 60_000;
    if (allowed(candidate) && wall >= start && wall < end) return candidate;
    let at = candidate.startOf('day');
    if (!allowed(at) || wall >= start) at = at.plus({ days: 1 });
    while (!allowed(at)) at = at.plus({ days: 1 });
    return at.set({ hour: Math.floor(start / 60), minute: start % 60, second: 0, millisecond: 0 });
  };
  const plainBusinessDays = (base: DateTime, n: number, holidays: Set<string>) => {
    let at = base.startOf('day');
    for (let counted = 0; counted < n; ) {
      at = at.plus({ days: 1 });
      if (at.weekday <= 5 && !holidays.has(day(at))) counted++;
    }
    return at.set({
      hour: base.hour,
      minute: base.minute,
      second: base.second,
      millisecond: base.millisecond,
    });
  };

  it('gives what luxon gives with nothing kept, asked again and again, across clock changes at midnight', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2026-01-01T00:00:00Z'),
          max: new Date('2028-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom(...zones),
        fc.subarray([...WEEKDAYS], { minLength: 1 }),
        fc.integer({ min: 0, max: 22 * 60 }),
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 4 }),
        (instant, zone, days, start, n, holidayOffsets) => {
          const base = DateTime.fromJSDate(instant).setZone(zone);
          const holidays = new Set(holidayOffsets.map((d) => day(base.plus({ days: d }))));
          const window = { days, start: `${pad(Math.floor(start / 60))}:${pad(start % 60)}`, end: '23:30' };
          for (let again = 0; again < 2; again++) {
            expect(fitWindow(zonedOf(base), window, holidays).toISO()).toBe(
              plainFit(base, days, start, 23 * 60 + 30, holidays).toISO(),
            );
            expect(addDuration(zonedOf(base), { n, unit: 'business day' }, holidays).toISO()).toBe(
              plainBusinessDays(base, n, holidays).toISO(),
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
