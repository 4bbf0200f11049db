import { beforeEach, describe, expect, it } from 'vitest';
import { ExecutionInputSchema } from '../../../../functions/core/execution-input.ts';
import { findReturnDate, returnInstant } from '../../../../functions/domain/auto-reply.ts';
import { enrollLead, MAX_EXECUTION_DAYS } from '../../../../functions/domain/enroll.ts';
import { MAX_SNOOZE_DAYS } from '../../../../functions/domain/signal-rules.ts';
import { applySignal } from '../../../../functions/domain/signals.ts';
import { enrolled, starts, type World, world } from '../../../support/signal-fixtures.ts';

/*
 * A Standard execution ends at one year. A snooze enrolls re-engage starting on its last day, so a snooze that ends
 * too far out is an execution that times out before its touches, and a lead left snoozed for good.
 */

const DAY_MS = 86_400_000;
const NOW = new Date('2026-12-07T15:00:00Z'); // Monday 7 December, Chicago morning
const ZONE = 'America/Chicago';

let w: World;
let leadId: string;

const lead = () => w.store.leads.get(leadId);
const lastStart = () => ExecutionInputSchema.parse(JSON.parse(starts().at(-1)?.input ?? '{}'));
const daysAfterNow = (instant: string | undefined) => (Date.parse(instant ?? '') - NOW.getTime()) / DAY_MS;

beforeEach(async () => {
  w = world();
  ({ leadId } = await enrolled(
    w,
    { email: 'jordan.alvarez@example.com', name: 'Jordan Alvarez', zone: ZONE },
    'web-inquiry',
    new Date('2026-12-01T15:30:00Z'),
  ));
});

describe('a snooze cannot outlive its execution', () => {
  it('an out-of-office "back on" a date 366 days out snoozes until the limit, and the event says so', async () => {
    // Prepare: the return date as the inbound-email function reads it
    const back = new Date(NOW.getTime() + 366 * DAY_MS).toISOString().slice(0, 10);
    const date = findReturnDate(`I'm on sabbatical and will be back on ${back}.`, NOW, ZONE);
    const until = returnInstant(date ?? '', ZONE);
    expect(date).toBe('2027-12-08');

    // Act
    const result = await applySignal(
      w.deps,
      {
        v: 1,
        type: 'auto-reply',
        id: 'ses:ooo-1',
        leadId,
        at: NOW.toISOString(),
        source: 'ses-inbound',
        until,
      },
      NOW,
    );

    // Assess
    expect(result.outcome).toBe('applied');
    const capped = new Date(NOW.getTime() + MAX_SNOOZE_DAYS * DAY_MS).toISOString();
    expect(lead()).toMatchObject({ status: 'snoozed', snoozedUntil: capped });
    const event = w.store.events.find((e) => e.kind === 'auto-reply');
    expect(event?.detail).toEqual({
      signalId: 'ses:ooo-1',
      until: '2027-12-08T15:00:00Z',
      snoozedUntil: capped,
      snoozeCappedAtDays: 330,
    });
    const reengage = lastStart();
    expect(reengage.cadenceId).toBe('re-engage');
    expect(daysAfterNow(reengage.schedule.at(-1)?.at)).toBeLessThan(MAX_EXECUTION_DAYS);
  });

  it('a not-now signal beyond the limit (one that did not come through the outcome API) is capped too', async () => {
    // Act
    await applySignal(
      w.deps,
      {
        v: 1,
        type: 'outcome',
        id: 'rep:1',
        leadId,
        at: NOW.toISOString(),
        source: 'rep',
        result: 'not-now',
        until: new Date(NOW.getTime() + 400 * DAY_MS).toISOString(),
      },
      NOW,
    );

    // Assess
    expect(daysAfterNow(lead()?.snoozedUntil)).toBe(MAX_SNOOZE_DAYS);
    expect(w.store.events.find((e) => e.kind === 'outcome')?.detail).toMatchObject({
      snoozeCappedAtDays: 330,
    });
  });

  it('a snooze within the limit keeps its date and records no cap', async () => {
    // Act
    await applySignal(
      w.deps,
      {
        v: 1,
        type: 'auto-reply',
        id: 'ses:ooo-2',
        leadId,
        at: NOW.toISOString(),
        source: 'ses-inbound',
        until: '2026-12-14T15:00:00Z',
      },
      NOW,
    );

    // Assess
    expect(lead()?.snoozedUntil).toBe('2026-12-14T15:00:00Z');
    expect(w.store.events.find((e) => e.kind === 'auto-reply')?.detail).toEqual({
      signalId: 'ses:ooo-2',
      until: '2026-12-14T15:00:00Z',
    });
  });
});

describe('enrollLead refuses an execution that would time out', () => {
  it('a re-engage enrollment starting 360 days out, its last touch a week later, is refused and starts nothing', async () => {
    // Prepare
    const startAt = new Date(NOW.getTime() + 360 * DAY_MS);
    const started = starts().length;

    // Act
    const enrolling = enrollLead(w.deps, { leadId, cadenceId: 're-engage', source: 'test', startAt }, NOW);

    // Assess
    await expect(enrolling).rejects.toMatchObject({
      name: 'ExecutionTooLong',
      cadenceId: 're-engage',
      requestedAt: NOW.toISOString(),
    });
    await expect(enrolling).rejects.toThrow(
      'cadence "re-engage": an execution requested at 2026-12-07T15:00:00.000Z would make its last touch at 2027-12-09T15:00:00Z, 367 days later; Step Functions ends a Standard execution at one year, so the last touch must come within 364 days of the start: start it sooner or shorten the cadence',
    );
    expect(starts()).toHaveLength(started);
    expect(w.store.enrollments.size).toBe(1);
  });

  it('the same enrollment starting at the snooze limit runs', async () => {
    // Prepare
    const startAt = new Date(NOW.getTime() + MAX_SNOOZE_DAYS * DAY_MS);

    // Act
    const result = await enrollLead(w.deps, { leadId, cadenceId: 're-engage', source: 'test', startAt }, NOW);

    // Assess
    expect(result.enrollment.status).toBe('started');
    expect(daysAfterNow(lastStart().schedule.at(-1)?.at)).toBeLessThan(MAX_EXECUTION_DAYS);
  });
});
