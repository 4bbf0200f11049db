import { beforeEach, describe, expect, it } from 'vitest';
import { enrollLead } from '../../../../functions/domain/enroll.ts';
import { recordOutcome } from '../../../../functions/domain/outcome.ts';
import { performTouch } from '../../../../functions/domain/touch.ts';
import { MemoryAggregates } from '../../../../local/memory/aggregates.ts';
import { MemoryLeadReads } from '../../../../local/memory/lead-reads.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';
import { type Engine, engineWith, enroll, FOLLOW_UP, touchEvent } from '../../../support/metrics-world.ts';

/*
 * Speed to lead's counters (#15): a first touch and a task marked done, each timed from the enrollment's start and
 * counted once, in the lead's cohort month and under its owner; the task's `task-done` event recorded once.
 */

const ARRIVAL = new Date('2026-03-04T16:00:00Z');
const minutes = (n: number) => new Date(ARRIVAL.getTime() + n * 60_000);

let store: MemoryLeadStore;
let aggregates: MemoryAggregates;
let e: Engine;
let lead: { leadId: string; enrollmentId: string };

beforeEach(async () => {
  store = new MemoryLeadStore();
  aggregates = new MemoryAggregates((leadId, enrollmentId) => store.getEnrollment(leadId, enrollmentId));
  e = engineWith(store, aggregates);
  lead = await enroll(e, { email: 'jordan@example.com', name: 'Jordan' }, FOLLOW_UP.id, ARRIVAL);
});

const touch = (step: number, at: Date) => performTouch(e.touchDeps, touchEvent(lead, FOLLOW_UP.id, step), at);
const speed = () => aggregates.counts(FOLLOW_UP.id, '2026-03', 'speed', '');
const done = (result: 'done' | 'meeting', at: Date, id = `outcome-link:${result}`) =>
  recordOutcome(
    e.signalDeps,
    {
      leadId: lead.leadId,
      id,
      source: 'outcome-link',
      result,
      task: { enrollmentId: lead.enrollmentId, stepIndex: 1 },
    },
    at,
  );

describe('the first touch', () => {
  it('is timed from the enrollment’s start once, whatever touches follow', async () => {
    // Act: the first email 3 minutes after arrival, the call a day later.
    await touch(0, minutes(3));
    await touch(1, minutes(24 * 60));

    // Assess
    expect(speed()).toEqual({ speedFirst5m: 1 });
  });

  it('is not timed for an enrollment that continues another (a cadence’s then)', async () => {
    // Prepare: the lead moved on to the cart cadence by follow-up's `then`.
    const moved = await enrollLead(
      e.signalDeps,
      { leadId: lead.leadId, cadenceId: 'cart', source: 'cadence:follow-up' },
      ARRIVAL,
    );
    if (moved.enrollment.status === 'not-enrolled') throw new Error(moved.enrollment.reason);

    // Act
    await performTouch(
      e.touchDeps,
      touchEvent({ leadId: lead.leadId, enrollmentId: moved.enrollment.id }, 'cart', 0),
      minutes(90),
    );

    // Assess: the cart touch went out and was counted, but not timed.
    expect(aggregates.counts('cart', '2026-03', 1)).toMatchObject({ sent: 1 });
    expect(aggregates.counts('cart', '2026-03', 'speed', '')).toBeUndefined();
  });
});

describe('a task marked done', () => {
  it('records one task-done event and one human touch, however often it is clicked', async () => {
    // Prepare
    await touch(0, minutes(1));
    await touch(1, minutes(60 * 3));

    // Act: "Done" twice (a double click), then "Meeting booked" from the same task email.
    const first = await done('done', minutes(60 * 3 + 30));
    const again = await done('done', minutes(60 * 3 + 31));
    const meeting = await done('meeting', minutes(60 * 5));

    // Assess
    expect([first.outcome, again.outcome, meeting.outcome]).toEqual(['applied', 'duplicate', 'applied']);
    expect(speed()).toEqual({ speedFirst1m: 1, speedHuman4h: 1 });
    const events = store.events.filter((event) => event.leadId === lead.leadId && event.kind === 'task-done');
    expect(events).toHaveLength(1);
    expect(events[0]?.detail).toMatchObject({
      enrollmentId: lead.enrollmentId,
      stepIndex: 1,
      result: 'done',
    });
    expect((await store.getLead(lead.leadId))?.status).toBe('meeting');
  });

  it("leaves the reps' open tasks: the dashboard lists only what is still to do", async () => {
    // Prepare: the call step's task is created by its touch
    await touch(0, minutes(1));
    await touch(1, minutes(60 * 3));
    const reads = new MemoryLeadReads(store);
    const before = await reads.openTasks();

    // Act
    await done('done', minutes(60 * 3 + 30));

    // Assess
    expect(before.map((t) => t.stepIndex)).toEqual([1]);
    expect(await reads.openTasks()).toEqual([]);
    expect((await reads.leadTimeline(lead.leadId))?.tasks.map((t) => t.status)).toEqual(['done']);
  });

  it('counts an outcome clicked from a task email as the task done', async () => {
    // Prepare
    await touch(0, minutes(1));

    // Act
    await done('meeting', minutes(2 * 24 * 60));

    // Assess: the human touch after two days.
    expect(speed()).toMatchObject({ speedHuman3d: 1 });
  });

  it('leaves the lead’s status as it was', async () => {
    // Prepare
    await touch(0, minutes(1));

    // Act
    await done('done', minutes(10));

    // Assess
    expect((await store.getLead(lead.leadId))?.status).toBe('active');
  });

  it('is refused without a task: "done" only means something for one', async () => {
    // Act
    const result = await recordOutcome(
      e.signalDeps,
      { leadId: lead.leadId, id: 'outcome:api', source: 'rep', result: 'done' },
      minutes(5),
    );

    // Assess
    expect(result).toMatchObject({ outcome: 'invalid' });
    expect(speed()).toBeUndefined();
  });
});
