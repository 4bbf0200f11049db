import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { fromISO, isTimeZone, type WallFields, Zoned } from '../../../../functions/core/zoned.ts';
import { zonedOf } from '../../../support/luxon-oracle.ts';

/*
 * The Lambdas' dates without luxon (docs/architecture.md §9) against luxon itself, the oracle: every field, offset,
 * ISO string and formatted text, for random instants 1990–2060 and around every DST change of zones that shift by
 * an hour, half an hour (Lord Howe), or at midnight, and zones on the half and three-quarter hour.
 */

const ZONES = [
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Pacific/Chatham',
  'America/Chicago',
  'America/Santiago',
  'America/Havana',
  'Asia/Tehran',
  'Europe/Dublin',
  'Antarctica/Troll',
  'Pacific/Apia',
  'UTC',
  'Etc/UTC',
  'gmt',
  'america/chicago',
];
const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 2000) };
const FROM = Date.UTC(1990, 0, 1);
const TO = Date.UTC(2060, 0, 1);

/** The instants 1990–2060 at which `zone`'s offset changes, found month by month and then bisected. */
function transitions(zone: string): number[] {
  const offset = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
  const found: number[] = [];
  const step = 20 * 86_400_000;
  for (let t = FROM; t < TO; t += step) {
    let [low, high] = [t, t + step];
    if (offset(low) === offset(high)) continue;
    while (high - low > 60_000) {
      const mid = Math.floor((low + high) / 2 / 60_000) * 60_000;
      if (offset(mid) === offset(low)) low = mid;
      else high = mid;
    }
    found.push(high);
  }
  return found;
}

const CHANGES = ZONES.filter((z) => transitions(z).length > 0).map((zone) => ({
  zone,
  at: transitions(zone),
}));

const zoneArb = fc.constantFrom(...ZONES);
/** Half random instants, half within two days of a clock change. */
const instantArb = fc.oneof(
  fc.record({ zone: zoneArb, ms: fc.integer({ min: FROM, max: TO }) }),
  fc
    .record({
      change: fc.constantFrom(...CHANGES),
      pick: fc.nat(),
      drift: fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 }),
    })
    .map(({ change, pick, drift }) => ({
      zone: change.zone,
      ms: (change.at[pick % change.at.length] as number) + drift,
    })),
);

/** luxon's week dates ("2026-W49-2"), ordinal dates ("2026-335"), times alone ("T09:00") and "[Zone]" suffixes. */
const UNREAD_FORMS =
  /^(?:\d{4}-?W\d\d|\d{4}-?\d{3}(?![\d])|T?\d\d(?::?\d\d)*(?:[.,]\d+)?(?:[Zz]|[+-]\d\d(?::?\d\d)?)?(?:\[.*\])?$)|\[/;

const luxonAt = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone });
const zonedAt = (ms: number, zone: string) => Zoned.at(ms, zone) as Zoned;

/** What a Zoned shows, next to what luxon shows for the same instant and zone. */
const shown = (z: Zoned) => ({
  iso: z.toISO(),
  isoShort: z.toISO({ suppressMilliseconds: true }),
  date: z.toISODate(),
  weekday: z.weekday,
  offset: z.offset,
  fields: [z.year, z.month, z.day, z.hour, z.minute, z.second, z.millisecond],
  text: `${z.weekdayShort()} ${z.dayMonthYear()}, ${z.hourMinute()} ${z.zoneAbbreviation()}`,
  long: z.weekdayLong(),
});
const luxonShown = (d: DateTime) => ({
  iso: d.toISO(),
  isoShort: d.toISO({ suppressMilliseconds: true }),
  date: d.toISODate(),
  weekday: d.weekday,
  offset: d.offset,
  fields: [d.year, d.month, d.day, d.hour, d.minute, d.second, d.millisecond],
  text: d.toFormat('ccc d LLL yyyy, HH:mm ZZZZ'),
  long: d.toFormat('cccc'),
});

describe('Zoned against luxon', () => {
  it('finds clock changes in every shifting zone (the generator reaches them)', () => {
    const zones = CHANGES.map((c) => c.zone);
    expect(zones).toEqual(
      expect.arrayContaining(['America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham']),
    );
    expect(zones).not.toContain('Asia/Kathmandu');
  });

  it('shows every instant as luxon does: fields, offset, ISO strings, zone names', () => {
    fc.assert(
      fc.property(instantArb, ({ ms, zone }) => {
        expect(shown(zonedAt(ms, zone))).toEqual(luxonShown(luxonAt(ms, zone)));
      }),
      RUNS,
    );
  });

  it('adds calendar and clock units as luxon does, across DST gaps and overlaps', () => {
    const stepArb = fc.oneof(
      fc.record({ days: fc.integer({ min: -400, max: 400 }) }),
      fc.record({ weeks: fc.integer({ min: -60, max: 60 }) }),
      fc.record({ months: fc.integer({ min: -30, max: 30 }) }),
      fc.record({ years: fc.integer({ min: -5, max: 5 }) }),
      fc.record({ hours: fc.integer({ min: -500, max: 500 }) }),
      fc.record({ minutes: fc.integer({ min: -3000, max: 3000 }) }),
      fc.record({ seconds: fc.integer({ min: -90_000, max: 90_000 }) }),
      fc.record({ days: fc.integer({ min: -3, max: 3 }), minutes: fc.integer({ min: -200, max: 200 }) }),
    );
    fc.assert(
      fc.property(instantArb, stepArb, ({ ms, zone }, step) => {
        expect(zonedAt(ms, zone).plus(step).toISO()).toBe(luxonAt(ms, zone).plus(step).toISO());
      }),
      RUNS,
    );
  });

  it('sets wall fields, starts the day and compares days as luxon does', () => {
    const setArb = fc.record(
      {
        year: fc.integer({ min: 1990, max: 2060 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 31 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.integer({ min: 0, max: 59 }),
        millisecond: fc.integer({ min: 0, max: 999 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(instantArb, setArb, instantArb, ({ ms, zone }, fields, other) => {
        const [z, d] = [zonedAt(ms, zone), luxonAt(ms, zone)];
        expect(z.set(fields).toISO()).toBe(d.set(fields).toISO());
        expect(z.startOfDay().toISO()).toBe(d.startOf('day').toISO());
        const near = other.ms % 2 === 0 ? ms + (other.ms % 86_400_000) - 43_200_000 : other.ms;
        expect(z.hasSameDay(zonedAt(near, zone))).toBe(d.hasSame(luxonAt(near, zone), 'day'));
      }),
      RUNS,
    );
  });

  it('makes calendar dates as luxon does, and refuses the ones that do not exist', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1990, max: 2060 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        zoneArb,
        (year, month, day, zone) => {
          const oracle = DateTime.fromObject({ year, month, day }, { zone });
          expect(Zoned.date(year, month, day, zone)?.toISO() ?? null).toBe(
            oracle.isValid ? oracle.toISO() : null,
          );
        },
      ),
      RUNS,
    );
  });

  it('reads ISO 8601 texts as luxon does: dates, wall times in the zone, offsets, fractions, basic form', () => {
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    const textArb = fc
      .record({
        wall: fc.record({
          year: fc.integer({ min: 1990, max: 2060 }),
          month: fc.integer({ min: 0, max: 13 }),
          day: fc.integer({ min: 0, max: 32 }),
          hour: fc.integer({ min: 0, max: 24 }),
          minute: fc.integer({ min: 0, max: 60 }),
          second: fc.integer({ min: 0, max: 60 }),
          millisecond: fc.integer({ min: 0, max: 999 }),
        }),
        offset: fc.constantFrom('', 'Z', 'z', '-06:00', '+05:45', '+0530', '-03', '+13:45', '-00:30'),
        form: fc.constantFrom('full', 'date', 'month', 'hour-minute', 'basic', 'fraction'),
      })
      .map(({ wall: w, offset, form }: { wall: WallFields; offset: string; form: string }) => {
        const date = `${w.year}-${p(w.month)}-${p(w.day)}`;
        const time = `${p(w.hour)}:${p(w.minute)}:${p(w.second)}`;
        if (form === 'date') return date;
        if (form === 'month') return `${w.year}-${p(w.month)}`;
        if (form === 'hour-minute') return `${date}T${p(w.hour)}:${p(w.minute)}${offset}`;
        if (form === 'basic') return `${date.replaceAll('-', '')}T${time.replaceAll(':', '')}${offset}`;
        if (form === 'fraction') return `${date}T${time}.${w.millisecond}7${offset}`;
        return `${date}T${time}.${p(w.millisecond, 3)}${offset}`;
      });
    // The wall times of clock changes, where a text without offset is ambiguous or does not exist.
    const changeTextArb = fc
      .record({
        change: fc.constantFrom(...CHANGES),
        pick: fc.nat(),
        before: fc.integer({ min: -90, max: 90 }),
      })
      .map(({ change, pick, before }) => {
        const at = luxonAt((change.at[pick % change.at.length] as number) + before * 60_000, change.zone);
        return { text: at.toFormat("yyyy-MM-dd'T'HH:mm"), zone: change.zone };
      });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ text: textArb, zone: zoneArb }),
          changeTextArb,
          fc.record({ text: fc.string(), zone: zoneArb }),
        ),
        ({ text, zone }) => {
          const oracle = DateTime.fromISO(text, { zone });
          const read = fromISO(text, zone);
          // The forms no Lambda is handed (they write and receive calendar dates and instants) are refused.
          if (!read && oracle.isValid) expect(text).toMatch(UNREAD_FORMS);
          else expect(read?.toISO() ?? null).toBe(oracle.isValid ? oracle.toISO() : null);
        },
      ),
      RUNS,
    );
  });

  it('knows the zones luxon knows, and no others', () => {
    const names = [
      ...ZONES,
      '',
      'Mars/Olympus',
      'America/Chicag',
      'EST',
      'Etc/GMT+5',
      'US/Eastern',
      'local',
      'Z',
    ];
    for (const name of names) expect(isTimeZone(name), name).toBe(IANAZone.isValidZone(name));
    expect(Zoned.at(0, 'Mars/Olympus')).toBeUndefined();
    expect(fromISO('2026-12-01', 'Mars/Olympus')).toBeUndefined();
  });

  it('carries a luxon DateTime across unchanged (the schedule tests build their oracle with it)', () => {
    fc.assert(
      fc.property(instantArb, ({ ms, zone }) => {
        expect(zonedOf(luxonAt(ms, zone)).toISO()).toBe(luxonAt(ms, zone).toISO());
      }),
      { numRuns: 200 },
    );
  });
});
