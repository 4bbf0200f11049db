import { readFileSync } from 'node:fs';
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
import { executionInput } from '../../../../functions/core/execution-input.ts';
import {
  addDuration,
  computeSchedule,
  explainSchedule,
  fitWindow,
  isImmediate,
  minutesOfDay,
  resolveWindow,
  spreadFraction,
  spreadMinutes,
} from '../../../../functions/core/schedule.ts';
import { luxonOf, zonedOf } from '../../../support/luxon-oracle.ts';

/*
 * Issue #15: `"sendWindow": "immediate"` (a transactional touch at its raw due time, any hour) and `"spread"` (a
 * touch moved to a window's start placed at an offset fixed by the lead id). docs/architecture.md §2.3.
 */

function cadence(partial: Partial<CadenceInput> & Pick<CadenceInput, 'steps'>): Cadence {
  const result = parseCadence({ id: 'test', name: 'Test', ...partial });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.cadence;
}

type Timing = { day: number } | { wait: string };
const step = (
  id: string,
  timing: Timing,
  sendWindow?: object | 'immediate',
  channel: 'email' | 'call' = 'email',
) => ({
  id,
  ...timing,
  channel,
  template: 'any',
  ...(sendWindow ? { sendWindow } : {}),
});

const times = (c: Cadence, start: string, zone: string, leadId?: string) =>
  computeSchedule(c, start, zone, leadId === undefined ? {} : { leadId }).map((t) => t.at);

const CHICAGO = 'America/Chicago';
const LEAD = 'ld_0123456789abcdef01234567';

describe('an immediate step', () => {
  it('goes out at its raw due time at 23:30 on a Saturday that is a holiday', () => {
    // Prepare: Sat 26 Dec 2026 is declared a holiday, and the window is weekdays 09:00-17:00.
    const c = cadence({
      holidays: ['2026-12-26'],
      steps: [step('reply', { wait: '0 minutes' }, 'immediate'), step('next', { wait: '1 day' })],
    });
    // Act
    const at = times(c, '2026-12-26T23:30:00-06:00', CHICAGO);
    // Assess: the reply at once; the next touch still keeps its window (Monday 09:00).
    expect(at).toEqual(['2026-12-26T23:30:00-06:00', '2026-12-28T09:00:00-06:00']);
  });

  it('waits for no minGap before it, while the touch after it keeps the gap from it', () => {
    const c = cadence({
      sendWindow: { days: [...WEEKDAYS], start: '00:00', end: '23:59' },
      minGap: '12 hours',
      steps: [
        step('first', { day: 1 }),
        step('receipt', { wait: '5 minutes' }, 'immediate'),
        step('after', { wait: '1 hour' }),
      ],
    });
    expect(times(c, '2026-06-02T10:00:00Z', 'UTC')).toEqual([
      '2026-06-02T10:00:00Z',
      '2026-06-02T10:05:00Z',
      '2026-06-02T22:05:00Z',
    ]);
  });

  it('with "day": 1 is the enrollment instant, seconds and all', () => {
    const c = cadence({ steps: [step('reply', { day: 1 }, 'immediate')] });
    expect(times(c, '2026-06-07T03:12:45+02:00', 'Europe/Berlin')).toEqual(['2026-06-07T03:12:45+02:00']);
  });

  it('may be a call or a task: the rep is told at once, whatever the hour', () => {
    const c = cadence({ steps: [step('call', { wait: '0 minutes' }, 'immediate', 'call')] });
    expect(times(c, '2026-06-07T02:00:00-05:00', CHICAGO)).toEqual(['2026-06-07T02:00:00-05:00']);
  });

  it('is shown in the preview as "immediately, any hour"', () => {
    const c = cadence({ steps: [step('reply', { wait: '0 minutes' }, 'immediate'), step('b', { day: 3 })] });
    const [reply, later] = explainSchedule(c, '2026-12-18T23:30:00-06:00', CHICAGO);
    expect(reply?.reason).toBe('immediately, any hour');
    expect(later?.reason).toBe('moved from Sun 20 Dec 23:30: no sends on Sunday');
  });

  it('a lead arriving at 23:30 in its zone is scheduled within a minute (web-inquiry with its reply immediate)', () => {
    // Prepare: the shipped web-inquiry with only its first step flipped to "immediate" (test fixture).
    const fixture = JSON.parse(
      readFileSync(new URL('../../../fixtures/cadences/web-inquiry-immediate.json', import.meta.url), 'utf8'),
    );
    const parsed = parseCadence(fixture, { knownCadences: new Set(['quarterly-nurture']) });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const arrived = '2026-12-18T23:30:00-06:00';
    // Act
    const input = executionInput(parsed.cadence, {
      leadId: LEAD,
      enrollmentId: 'web-inquiry-immediate-x',
      enrolledAt: arrived,
      zone: CHICAGO,
    });
    // Assess
    const first = input.schedule[0];
    expect(first?.step).toBe('instant-reply');
    const waited = Date.parse(first?.at ?? '') - Date.parse(arrived);
    expect(waited).toBeGreaterThanOrEqual(0);
    expect(waited).toBeLessThan(60_000);
    // The rest of the cadence keeps its windows: the first call waits for Monday 09:00.
    expect(input.schedule[1]?.at).toBe('2026-12-21T15:00:00Z');
  });
});

describe('spread', () => {
  const spreadCadence = cadence({
    timezone: CHICAGO,
    spread: '90 minutes',
    steps: [step('a', { day: 1 }), step('b', { day: 3 }), step('c', { wait: '2 hours' })],
  });

  it('places a touch moved to the window start at the lead offset, the same for every moved touch', () => {
    // Prepare: enrolled Friday 23:45, so day 1 moves to Monday 09:00, and day 3 (Sunday) by minGap to Tuesday.
    const offset = Math.floor(spreadFraction(LEAD) * 90 * 60);
    // Act
    const at = times(spreadCadence, '2026-12-18T23:45:00-06:00', CHICAGO, LEAD);
    // Assess
    const opened = DateTime.fromISO('2026-12-21T09:00:00-06:00', { setZone: true });
    expect(at[0]).toBe(opened.plus({ seconds: offset }).toISO({ suppressMilliseconds: true }));
    // Day 3 is Sunday 23:45; 12 hours after the first is Monday 21:00+, after the window: Tuesday's start.
    expect(at[1]).toBe(opened.plus({ days: 1, seconds: offset }).toISO({ suppressMilliseconds: true }));
    // Two hours after it is Tuesday 11:00+, pushed by minGap past 17:00: Wednesday's start, the same offset.
    expect(at[2]).toBe(opened.plus({ days: 2, seconds: offset }).toISO({ suppressMilliseconds: true }));
  });

  it('leaves a touch that is already inside the window where it falls', () => {
    expect(times(spreadCadence, '2026-12-15T10:17:00-06:00', CHICAGO, LEAD)[0]).toBe(
      '2026-12-15T10:17:00-06:00',
    );
  });

  it('is the window start without a lead id, and the preview then says the span', () => {
    expect(times(spreadCadence, '2026-12-18T23:45:00-06:00', CHICAGO)[0]).toBe('2026-12-21T09:00:00-06:00');
    const [first] = explainSchedule(spreadCadence, '2026-12-18T23:45:00-06:00', CHICAGO);
    expect(first?.reason).toBe(
      'moved from Fri 18 Dec 23:45: after 17:00; spread: each lead at its own time in 09:00–10:30',
    );
  });

  it("the preview of a lead says its offset and shows exactly production's instants", () => {
    const lead = 'ld_ffffffffffffffffffffffff';
    const explained = explainSchedule(spreadCadence, '2026-12-18T23:45:00-06:00', CHICAGO, { leadId: lead });
    const seconds = Math.floor(spreadFraction(lead) * 90 * 60);
    const text = `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
    expect(explained[0]?.reason).toBe(
      `moved from Fri 18 Dec 23:45: after 17:00; spread 09:00–10:30: +${text} for this lead`,
    );
    expect(explained.map((t) => t.at)).toEqual(
      times(spreadCadence, '2026-12-18T23:45:00-06:00', CHICAGO, lead),
    );
  });

  it('gives different leads different times, spread over the span, and never past a short window end', () => {
    // Prepare: a 60-minute window with a 60-minute spread: every lead lands in 09:00-09:59:59.
    const c = cadence({
      spread: '1 hour',
      sendWindow: { start: '09:00', end: '10:00' },
      steps: [step('a', { day: 1 })],
    });
    const walls = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const [at] = times(c, '2026-06-05T20:00:00Z', 'UTC', `ld_${String(i).padStart(24, '0')}`);
      const dt = DateTime.fromISO(at ?? '', { setZone: true });
      const wall = dt.hour * 3600 + dt.minute * 60 + dt.second;
      expect(wall).toBeGreaterThanOrEqual(9 * 3600);
      expect(wall).toBeLessThan(10 * 3600);
      walls.add(Math.floor((wall - 9 * 3600) / 600));
    }
    // Every ten-minute slice of the hour gets some of the 200 leads: a spread, not a spike.
    expect(walls.size).toBe(6);
  });

  it('reads minutes and hours', () => {
    expect(spreadMinutes({ spread: '90 minutes' })).toBe(90);
    expect(spreadMinutes({ spread: '2 hours' })).toBe(120);
    expect(spreadMinutes({})).toBeUndefined();
  });
});

// Properties over arbitrary cadences, zones, enrollment instants and leads.
const ZONES = ['UTC', 'America/New_York', CHICAGO, 'Europe/London', 'Australia/Sydney', 'Asia/Kathmandu'];
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const windowArb = fc
  .record({
    days: fc.uniqueArray(fc.constantFrom(...WEEKDAYS), { minLength: 1, maxLength: 7 }),
    // Windows open from 04:00 so a DST gap never swallows a whole window.
    start: fc.integer({ min: 4 * 60, max: 20 * 60 }),
    length: fc.integer({ min: 120, max: 6 * 60 }),
  })
  .map(({ days, start, length }) => ({
    days: [...days],
    start: hhmm(start),
    end: hhmm(Math.min(start + length, 23 * 60 + 59)),
  }));

const timingArb: fc.Arbitrary<Timing> = fc.oneof(
  fc.integer({ min: 1, max: 40 }).map((day) => ({ day })),
  fc
    .tuple(
      fc.integer({ min: 0, max: 20 }),
      fc.constantFrom('minutes', 'hours', 'days', 'business days', 'weeks'),
    )
    .map(([n, unit]) => ({ wait: `${n} ${unit}` })),
);

const leadArb = fc.stringMatching(/^ld_[0-9a-f]{24}$/);

const cadenceArb = (withSpread: boolean, withImmediate: boolean) =>
  fc
    .record({
      sendWindow: windowArb,
      minGap: fc.constantFrom('0 minutes', '30 minutes', '12 hours', '1 day'),
      spread: fc.constantFrom('1 minute', '45 minutes', '90 minutes', '2 hours'),
      holidays: fc.uniqueArray(
        fc
          .integer({ min: 0, max: 500 })
          .map(
            (d) => DateTime.fromISO('2026-01-01', { zone: 'UTC' }).plus({ days: d }).toISODate() as string,
          ),
        { maxLength: 15 },
      ),
      steps: fc.array(
        fc.record({
          timing: timingArb,
          window: fc.option(windowArb, { nil: undefined }),
          immediate: fc.boolean(),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    })
    .map(({ steps, spread, ...rest }) =>
      parseCadence({
        id: 'prop',
        name: 'Prop',
        ...rest,
        ...(withSpread ? { spread } : {}),
        steps: steps.map((s, i) =>
          step(`s${i}`, s.timing, withImmediate && s.immediate ? 'immediate' : s.window),
        ),
      }),
    )
    .filter((result) => result.ok)
    .map((result) => (result.ok ? result.cadence : (undefined as never)));

const startArb = fc
  .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) })
  .map((ms) => new Date(ms));
const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 200) };

/** The rules of docs/architecture.md §2.3 with immediate and spread, step by step, for comparison. */
function plain(c: Cadence, start: Date, zone: string, leadId: string | undefined) {
  const enrolled = DateTime.fromJSDate(start).setZone(zone);
  const holidays = new Set(c.holidays ?? []);
  const minGap = parseDuration(c.minGap ?? DEFAULT_MIN_GAP) as NonNullable<ReturnType<typeof parseDuration>>;
  const spread = spreadMinutes(c);
  const placed: { at: DateTime; candidate: DateTime; moved: boolean }[] = [];
  for (const s of c.steps) {
    const previous = placed.at(-1)?.at;
    const wait = parseDuration(s.wait ?? '') as NonNullable<ReturnType<typeof parseDuration>>;
    const raw =
      s.day !== undefined
        ? enrolled.plus({ days: s.day - 1 })
        : luxonOf(addDuration(zonedOf(previous ?? enrolled), wait, holidays));
    if (isImmediate(s)) {
      placed.push({ at: raw, candidate: raw, moved: false });
      continue;
    }
    const earliest = previous ? luxonOf(addDuration(zonedOf(previous), minGap, holidays)) : raw;
    const candidate = earliest > raw ? earliest : raw;
    const window = resolveWindow(c, s);
    const fitted = luxonOf(fitWindow(zonedOf(candidate), window, holidays));
    const moved = fitted.toMillis() !== candidate.toMillis();
    const span = Math.min(spread ?? 0, minutesOfDay(window.end) - minutesOfDay(window.start));
    const offset = moved && leadId ? Math.floor(spreadFraction(leadId) * span * 60) : 0;
    placed.push({ at: fitted.plus({ seconds: offset }), candidate, moved });
  }
  return placed;
}

const wallSeconds = (dt: DateTime) => dt.hour * 3600 + dt.minute * 60 + dt.second;

describe('immediate and spread properties', () => {
  it('without "spread", a lead id changes nothing: the schedule is the one of today, byte for byte', () => {
    fc.assert(
      fc.property(
        cadenceArb(false, false),
        startArb,
        fc.constantFrom(...ZONES),
        leadArb,
        (c, start, zone, lead) => {
          expect(computeSchedule(c, start, zone, { leadId: lead })).toEqual(computeSchedule(c, start, zone));
          expect(explainSchedule(c, start, zone, { leadId: lead })).toEqual(explainSchedule(c, start, zone));
        },
      ),
      RUNS,
    );
  });

  it('a spread touch lies in [window start, start + spread) and inside its window; the others stand', () => {
    fc.assert(
      fc.property(
        cadenceArb(true, true),
        startArb,
        fc.constantFrom(...ZONES),
        leadArb,
        (c, start, zone, lead) => {
          const schedule = computeSchedule(c, start, zone, { leadId: lead });
          const expected = plain(c, start, zone, lead);
          const spread = spreadMinutes(c) as number;
          schedule.forEach((touch, i) => {
            const at = DateTime.fromISO(touch.at).setZone(zone);
            const s = c.steps[i] as Cadence['steps'][number];
            const { moved, candidate } = expected[i] as (typeof expected)[number];
            expect(at.toMillis()).toBe((expected[i] as (typeof expected)[number]).at.toMillis());
            if (isImmediate(s)) return;
            const window = resolveWindow(c, s);
            const opens = minutesOfDay(window.start) * 60;
            expect(window.days).toContain(WEEKDAYS[at.weekday - 1]);
            expect(c.holidays ?? []).not.toContain(at.toISODate());
            expect(wallSeconds(at)).toBeLessThan(minutesOfDay(window.end) * 60);
            if (moved) {
              expect(wallSeconds(at)).toBeGreaterThanOrEqual(opens);
              expect(wallSeconds(at)).toBeLessThan(opens + spread * 60);
            } else expect(at.toMillis()).toBe(candidate.toMillis());
          });
        },
      ),
      RUNS,
    );
  });

  it('is deterministic per lead: the same lead always gets the same schedule, and the preview shows it', () => {
    fc.assert(
      fc.property(
        cadenceArb(true, true),
        startArb,
        fc.constantFrom(...ZONES),
        leadArb,
        (c, start, zone, lead) => {
          const first = computeSchedule(c, start, zone, { leadId: lead });
          expect(computeSchedule(structuredClone(c), new Date(start), zone, { leadId: `${lead}` })).toEqual(
            first,
          );
          expect(explainSchedule(c, start, zone, { leadId: lead }).map(({ reason: _r, ...t }) => t)).toEqual(
            first,
          );
        },
      ),
      RUNS,
    );
  });

  it('keeps minGap before every windowed touch, and none goes out before enrollment', () => {
    fc.assert(
      fc.property(
        cadenceArb(true, true),
        startArb,
        fc.constantFrom(...ZONES),
        leadArb,
        (c, start, zone, lead) => {
          const at = computeSchedule(c, start, zone, { leadId: lead }).map((t) => DateTime.fromISO(t.at));
          const gap = parseDuration(c.minGap ?? DEFAULT_MIN_GAP) as NonNullable<
            ReturnType<typeof parseDuration>
          >;
          expect(at[0]?.toMillis()).toBeGreaterThanOrEqual(start.getTime());
          for (let i = 1; i < at.length; i++) {
            if (isImmediate(c.steps[i] as Cadence['steps'][number])) continue;
            const earliest = addDuration(zonedOf((at[i - 1] as DateTime).setZone(zone)), gap, new Set());
            expect((at[i] as DateTime).toMillis()).toBeGreaterThanOrEqual(earliest.ms);
          }
        },
      ),
      RUNS,
    );
  });
});
