import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseCadence } from '../../../../functions/core/cadence.ts';
import {
  type Cadence,
  type CadenceInput,
  DEFAULT_MIN_GAP,
  WEEKDAYS,
} from '../../../../functions/core/cadence-schema.ts';
import { parseDuration } from '../../../../functions/core/duration.ts';
import {
  addDuration,
  computeSchedule,
  explainSchedule,
  fitWindow,
  InvalidInstant,
  InvalidTimeZone,
  isTimeZone,
  minutesOfDay,
  resolveWindow,
  toUtc,
} from '../../../../functions/core/schedule.ts';
import { luxonOf, zonedOf } from '../../../support/luxon-oracle.ts';

const EVERY_DAY = { days: [...WEEKDAYS], start: '00:00', end: '23:59' };

function cadence(partial: Partial<CadenceInput> & Pick<CadenceInput, 'steps'>): Cadence {
  const result = parseCadence({ id: 'test', name: 'Test', ...partial });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.cadence;
}

const email = (id: string, timing: { day: number } | { wait: string }, sendWindow?: object) => ({
  id,
  ...timing,
  channel: 'email' as const,
  template: 'any',
  ...(sendWindow ? { sendWindow } : {}),
});

const times = (c: Cadence, start: string, zone: string) => computeSchedule(c, start, zone).map((t) => t.at);

describe('computeSchedule', () => {
  it('reproduces the worked example of the issue: wait, day, business days over a holiday, and DST', () => {
    // Prepare
    const c = cadence({
      timezone: 'America/New_York',
      holidays: ['2026-03-09'],
      steps: [
        email('now', { wait: '0 minutes' }),
        email('day-2', { day: 2 }),
        email('two-business-days', { wait: '2 business days' }),
        email('a-week', { wait: '1 week' }),
      ],
    });
    // Act
    const at = times(c, '2026-03-04T16:45:00-05:00', 'America/New_York');
    // Assess
    expect(at).toEqual([
      '2026-03-04T16:45:00-05:00',
      '2026-03-05T16:45:00-05:00',
      '2026-03-10T16:45:00-04:00',
      '2026-03-17T16:45:00-04:00',
    ]);
  });

  it('returns step, channel and template with each instant', () => {
    const c = cadence({ steps: [{ id: 'ping', day: 1, channel: 'sms', template: 'quick-text' }] });
    expect(computeSchedule(c, '2026-06-02T10:00:00Z', 'UTC')).toEqual([
      { step: 'ping', channel: 'sms', template: 'quick-text', at: '2026-06-02T10:00:00Z' },
    ]);
  });

  describe('the send window', () => {
    const oneTouch = cadence({ steps: [email('only', { day: 1 })] });
    it.each([
      ['before the window: the same day at start', '2026-06-02T07:10:00-04:00', '2026-06-02T09:00:00-04:00'],
      [
        'inside the window: stands, seconds and all',
        '2026-06-02T10:17:42-04:00',
        '2026-06-02T10:17:42-04:00',
      ],
      ['exactly at start: stands', '2026-06-02T09:00:00-04:00', '2026-06-02T09:00:00-04:00'],
      ['a second before the end: stands', '2026-06-02T16:59:59-04:00', '2026-06-02T16:59:59-04:00'],
      [
        'exactly at the end: the next allowed day at start',
        '2026-06-02T17:00:00-04:00',
        '2026-06-03T09:00:00-04:00',
      ],
      [
        'after the window on a Friday: Monday at start',
        '2026-06-05T18:30:00-04:00',
        '2026-06-08T09:00:00-04:00',
      ],
      ['on a Saturday morning: Monday at start', '2026-06-06T08:00:00-04:00', '2026-06-08T09:00:00-04:00'],
    ])('%s', (_case, start, expected) => {
      expect(times(oneTouch, start, 'America/New_York')).toEqual([expected]);
    });

    it('skips a holiday inside the window and the weekend around it', () => {
      // Thursday after hours, Friday a holiday, then the weekend: Monday.
      const c = cadence({ holidays: ['2026-07-03'], steps: [email('only', { day: 1 })] });
      expect(times(c, '2026-07-02T17:30:00-04:00', 'America/New_York')).toEqual([
        '2026-07-06T09:00:00-04:00',
      ]);
    });

    it('moves a touch due on a holiday morning to the next allowed day, not later that day', () => {
      const c = cadence({ holidays: ['2026-12-24', '2026-12-25'], steps: [email('only', { day: 1 })] });
      expect(times(c, '2026-12-24T08:00:00-06:00', 'America/Chicago')).toEqual(['2026-12-28T09:00:00-06:00']);
    });

    it('takes the step window field by field over the cadence window and the defaults', () => {
      // Prepare: the cadence opens every day from 08:00; the step only moves start to 10:00.
      const c = cadence({
        sendWindow: { days: ['sat', 'sun'], start: '08:00' },
        steps: [email('only', { day: 1 }, { start: '10:00' })],
      });
      // Act
      const window = resolveWindow(c, c.steps[0] as Cadence['steps'][number]);
      const at = times(c, '2026-06-06T09:00:00-04:00', 'America/New_York');
      // Assess: days from the cadence, start from the step, end from the default.
      expect(window).toEqual({ days: ['sat', 'sun'], start: '10:00', end: '17:00' });
      expect(at).toEqual(['2026-06-06T10:00:00-04:00']);
    });
  });

  describe('minGap', () => {
    it('keeps two touches due the same day at least the gap apart', () => {
      const c = cadence({ minGap: '12 hours', steps: [email('a', { day: 1 }), email('b', { day: 1 })] });
      expect(times(c, '2026-06-02T10:00:00-04:00', 'America/New_York')).toEqual([
        '2026-06-02T10:00:00-04:00',
        '2026-06-03T09:00:00-04:00',
      ]);
    });

    it('does not delay a touch already further away than the gap', () => {
      const c = cadence({
        minGap: '1 hour',
        steps: [email('a', { day: 1 }), email('b', { wait: '2 hours' })],
      });
      expect(times(c, '2026-06-02T10:00:00-04:00', 'America/New_York')).toEqual([
        '2026-06-02T10:00:00-04:00',
        '2026-06-02T12:00:00-04:00',
      ]);
    });
  });

  describe('daylight saving time', () => {
    const everyDay = (steps: CadenceInput['steps']) => cadence({ sendWindow: EVERY_DAY, steps });

    it('northern spring: day counting keeps the wall time across the change', () => {
      const c = everyDay([email('a', { day: 1 }), email('b', { day: 3 })]);
      expect(times(c, '2026-03-07T10:00:00-05:00', 'America/New_York')).toEqual([
        '2026-03-07T10:00:00-05:00',
        '2026-03-09T10:00:00-04:00',
      ]);
    });

    it('northern spring: a wall time that does not exist moves forward', () => {
      const c = everyDay([email('a', { day: 2 })]);
      expect(times(c, '2026-03-07T02:30:00-05:00', 'America/New_York')).toEqual([
        '2026-03-08T03:30:00-04:00',
      ]);
    });

    it('northern autumn: hours are exact time, days are calendar days', () => {
      const c = everyDay([
        email('a', { day: 1 }),
        email('hours', { wait: '24 hours' }),
        email('day', { wait: '1 day' }),
      ]);
      expect(times(c, '2026-10-31T09:00:00-04:00', 'America/New_York')).toEqual([
        '2026-10-31T09:00:00-04:00',
        '2026-11-01T08:00:00-05:00',
        '2026-11-02T08:00:00-05:00',
      ]);
    });

    it('southern autumn (Sydney, April): the offset drops from +11 to +10, the wall time stays', () => {
      const c = cadence({ steps: [email('a', { day: 1 }), email('b', { day: 4 })] });
      expect(times(c, '2026-04-03T10:00:00+11:00', 'Australia/Sydney')).toEqual([
        '2026-04-03T10:00:00+11:00',
        '2026-04-06T10:00:00+10:00',
      ]);
    });

    it('southern spring (Sydney, October): a wall time in the gap moves forward', () => {
      const c = everyDay([email('a', { day: 2 })]);
      expect(times(c, '2026-10-03T02:15:00+10:00', 'Australia/Sydney')).toEqual([
        '2026-10-04T03:15:00+11:00',
      ]);
    });
  });

  describe('half-hour and quarter-hour offsets', () => {
    it('opens the window at 09:00 India time (+05:30)', () => {
      const c = cadence({ steps: [email('a', { day: 1 })] });
      const [at] = times(c, '2026-06-01T03:00:00Z', 'Asia/Kolkata');
      expect(at).toBe('2026-06-01T09:00:00+05:30');
      expect(toUtc(at as string)).toBe('2026-06-01T03:30:00Z');
    });

    it('counts business days in Kathmandu (+05:45) at the enrollment wall time', () => {
      const c = cadence({ steps: [email('a', { day: 1 }), email('b', { wait: '1 business day' })] });
      expect(times(c, '2026-06-05T11:20:00+05:45', 'Asia/Kathmandu')).toEqual([
        '2026-06-05T11:20:00+05:45',
        '2026-06-08T11:20:00+05:45',
      ]);
    });

    it('follows Adelaide (+09:30 / +10:30) across its April change', () => {
      const c = cadence({ steps: [email('a', { day: 1 }), email('b', { wait: '1 week' })] });
      expect(times(c, '2026-04-01T13:00:00+10:30', 'Australia/Adelaide')).toEqual([
        '2026-04-01T13:00:00+10:30',
        '2026-04-08T13:00:00+09:30',
      ]);
    });
  });

  describe('months', () => {
    it('clamps a month end: Jan 31 + 1 month is Feb 28, or Feb 29 in a leap year', () => {
      const c = cadence({
        sendWindow: EVERY_DAY,
        steps: [email('a', { day: 1 }), email('b', { wait: '1 month' })],
      });
      expect(times(c, '2027-01-31T10:00:00Z', 'UTC')[1]).toBe('2027-02-28T10:00:00Z');
      expect(times(c, '2028-01-31T10:00:00Z', 'UTC')[1]).toBe('2028-02-29T10:00:00Z');
    });
  });

  describe('business days', () => {
    it('counts Mon-Fri only and skips holidays, whatever the send window allows', () => {
      const c = cadence({
        sendWindow: EVERY_DAY,
        holidays: ['2026-12-25', '2027-01-01'],
        steps: [email('a', { day: 1 }), email('b', { wait: '5 business days' })],
      });
      // Wed 23 Dec + 5 business days: 24, 28, 29, 30, 31 (25 Dec and the weekend do not count).
      expect(times(c, '2026-12-23T10:00:00-06:00', 'America/Chicago')[1]).toBe('2026-12-31T10:00:00-06:00');
    });

    it('treats "0 business days" as no wait', () => {
      const c = cadence({ steps: [email('a', { wait: '0 business days' })] });
      expect(times(c, '2026-06-02T10:00:00-04:00', 'America/New_York')).toEqual([
        '2026-06-02T10:00:00-04:00',
      ]);
    });
  });

  it('finds the next allowed day past a holiday on the only weekday the window allows', () => {
    // Found by the window property: a Saturday-only window and a Saturday holiday push the touch a whole week on.
    const c = cadence({
      sendWindow: { days: ['sat'], start: '04:00', end: '04:30' },
      holidays: ['2027-02-13'],
      steps: [email('a', { day: 1 })],
    });
    expect(times(c, '2027-02-08T10:00:00Z', 'UTC')).toEqual(['2027-02-20T04:00:00Z']);
  });

  it('explains why a touch moved, for the preview', () => {
    const c = cadence({ holidays: ['2026-12-25'], steps: [email('a', { day: 1 })] });
    const [touch] = explainSchedule(c, '2026-12-24T17:45:00-06:00', 'America/Chicago');
    expect(touch?.reason).toBe('moved from Thu 24 Dec 17:45: after 17:00, skipped holiday 25 Dec');
  });

  it('rejects a zone that does not exist and a start that is not ISO 8601, with typed errors', () => {
    const c = cadence({ steps: [email('a', { day: 1 })] });
    expect(() => computeSchedule(c, '2026-06-02T10:00:00Z', 'Mars/Olympus')).toThrow(InvalidTimeZone);
    expect(() => computeSchedule(c, '2nd of June', 'UTC')).toThrow(InvalidInstant);
  });
});

// Properties over arbitrary cadences, zones and enrollment instants.
const ZONES = [
  'UTC',
  'America/New_York',
  'America/Chicago',
  'Europe/London',
  'Australia/Sydney',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Adelaide',
  'America/Santiago',
  'Pacific/Chatham',
];
const WEEKDAY_LIST = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const windowArb = fc
  .record({
    days: fc.uniqueArray(fc.constantFrom(...WEEKDAY_LIST), { minLength: 1, maxLength: 7 }),
    // Windows open from 04:00 so a DST gap never swallows a whole window.
    start: fc.integer({ min: 4 * 60, max: 20 * 60 }),
    length: fc.integer({ min: 30, max: 6 * 60 }),
  })
  .map(({ days, start, length }) => ({
    days,
    start: hhmm(start),
    end: hhmm(Math.min(start + length, 23 * 60 + 59)),
  }));

const timingArb = fc.oneof(
  fc.integer({ min: 1, max: 60 }).map((day) => ({ day })),
  fc
    .tuple(
      fc.integer({ min: 0, max: 20 }),
      fc.constantFrom('minutes', 'hours', 'days', 'business days', 'weeks', 'months'),
    )
    .map(([n, unit]) => ({ wait: `${unit === 'months' ? n % 4 : n} ${unit}` })),
);

const cadenceArb = fc
  .record({
    sendWindow: windowArb,
    minGap: fc.constantFrom('0 minutes', '30 minutes', '12 hours', '1 day'),
    holidays: fc.uniqueArray(
      fc
        .integer({ min: 0, max: 600 })
        .map((d) => DateTime.fromISO('2026-01-01', { zone: 'UTC' }).plus({ days: d }).toISODate() as string),
      { maxLength: 20 },
    ),
    steps: fc.array(fc.record({ timing: timingArb, window: fc.option(windowArb, { nil: undefined }) }), {
      minLength: 1,
      maxLength: 8,
    }),
  })
  .map(({ steps, ...rest }) =>
    parseCadence({
      id: 'prop',
      name: 'Prop',
      ...rest,
      steps: steps.map((s, i) => email(`s${i}`, s.timing, s.window)),
    }),
  )
  // Cadences the validator rejects (longer than 360 days) are not schedules anyone runs.
  .filter((result) => result.ok)
  .map((result) => (result.ok ? result.cadence : (undefined as never)));

const startArb = fc
  .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) })
  .map((ms) => new Date(ms));

describe('schedule properties', () => {
  it('every touch lies inside its window, on an allowed day that is not a holiday', () => {
    fc.assert(
      fc.property(cadenceArb, startArb, fc.constantFrom(...ZONES), (c, start, zone) => {
        const schedule = computeSchedule(c, start, zone);
        schedule.forEach((touch, i) => {
          const at = DateTime.fromISO(touch.at).setZone(zone);
          const window = resolveWindow(c, c.steps[i] as Cadence['steps'][number]);
          const wall = at.hour * 60 + at.minute;
          expect(window.days).toContain(WEEKDAY_LIST[at.weekday - 1]);
          expect(c.holidays ?? []).not.toContain(at.toISODate());
          expect(wall).toBeGreaterThanOrEqual(minutesOfDay(window.start));
          expect(wall).toBeLessThan(minutesOfDay(window.end));
        });
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });

  it('every touch is at least minGap after the previous one, and none is before enrollment', () => {
    fc.assert(
      fc.property(cadenceArb, startArb, fc.constantFrom(...ZONES), (c, start, zone) => {
        const at = computeSchedule(c, start, zone).map((t) => DateTime.fromISO(t.at).setZone(zone));
        const gap = parseDuration(c.minGap ?? '12 hours');
        expect(at[0]?.toMillis()).toBeGreaterThanOrEqual(start.getTime());
        for (let i = 1; i < at.length; i++) {
          const earliest = addDuration(
            zonedOf(at[i - 1] as DateTime),
            gap as NonNullable<typeof gap>,
            new Set(),
          );
          expect((at[i] as DateTime).toMillis()).toBeGreaterThanOrEqual(earliest.ms);
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });

  it('is deterministic: the same inputs give the same schedule', () => {
    fc.assert(
      fc.property(cadenceArb, startArb, fc.constantFrom(...ZONES), (c, start, zone) => {
        expect(computeSchedule(c, start, zone)).toEqual(
          computeSchedule(structuredClone(c), new Date(start), zone),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('gives the instants of the rules applied with plain luxon, and the same instants a preview shows', () => {
    // The rules of docs/architecture.md §2.3 step by step, in a zone that remembers nothing.
    const plain = (c: Cadence, start: Date, zone: string) => {
      const enrolled = DateTime.fromJSDate(start).setZone(zone);
      const holidays = new Set(c.holidays ?? []);
      const minGap = parseDuration(c.minGap ?? DEFAULT_MIN_GAP) as NonNullable<
        ReturnType<typeof parseDuration>
      >;
      const due: DateTime[] = [];
      for (const step of c.steps) {
        const previous = due.at(-1);
        const wait = parseDuration(step.wait ?? '') as NonNullable<ReturnType<typeof parseDuration>>;
        const raw =
          step.day !== undefined
            ? enrolled.plus({ days: step.day - 1 })
            : luxonOf(addDuration(zonedOf(previous ?? enrolled), wait, holidays));
        const earliest = previous ? luxonOf(addDuration(zonedOf(previous), minGap, holidays)) : raw;
        due.push(
          luxonOf(fitWindow(zonedOf(earliest > raw ? earliest : raw), resolveWindow(c, step), holidays)),
        );
      }
      return due.map((at) => at.toISO({ suppressMilliseconds: true }));
    };
    fc.assert(
      fc.property(cadenceArb, startArb, fc.constantFrom(...ZONES), (c, start, zone) => {
        // Act: twice, so the second run reads what the first one remembered.
        const first = computeSchedule(c, start, zone);
        const again = computeSchedule(c, start, zone);
        // Assess
        expect(first.map((t) => t.at)).toEqual(plain(c, start, zone));
        expect(again).toEqual(first);
        expect(explainSchedule(c, start, zone).map(({ reason: _reason, ...touch }) => touch)).toEqual(first);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });
});

describe('isTimeZone', () => {
  it('knows IANA zones and UTC, and refuses anything else, every time it is asked', () => {
    for (let i = 0; i < 2; i++) {
      expect(['America/Chicago', 'Asia/Kathmandu', 'UTC'].map(isTimeZone)).toEqual([true, true, true]);
      expect(['', 'Mars/Olympus_Mons', 'America/Chicago '].map(isTimeZone)).toEqual([false, false, false]);
    }
  });
});
