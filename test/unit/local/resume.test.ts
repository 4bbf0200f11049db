import { describe, expect, it } from 'vitest';
import { parseCadence } from '../../../functions/core/cadence.ts';
import { compileCadence } from '../../../functions/core/compile.ts';
import { executionInput } from '../../../functions/core/execution-input.ts';
import { Foreground } from '../../../local/slots.ts';
import {
  type LocalFunction,
  LocalStepFunctions,
  MemoryExecutionStore,
} from '../../../local/step-functions.ts';
import { ManualClock } from '../../integ/harness.ts';

/*
 * A restart with more executions in flight than invocation slots (docs/architecture.md §7): every one resumes, its
 * touch due meanwhile is sent once, the earliest due first, and each then sleeps until its next touch.
 */

const parsed = parseCadence({
  id: 'pair',
  name: 'Pair',
  sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '23:59' },
  minGap: '0 minutes',
  steps: [
    { id: 'now', wait: '0 minutes', channel: 'email', template: 't' },
    { id: 'later', day: 30, channel: 'email', template: 't' },
  ],
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const cadence = parsed.cadence;
const ARN = LocalStepFunctions.stateMachineArn('Followup-pair', 'live');
const NOW = new Date('2026-06-01T12:00:00Z');
const MINUTE = 60_000;
const LEADS = 30;
const LIMIT = 3;

function engine(
  touch: LocalFunction,
  clock: ManualClock,
  store: MemoryExecutionStore,
  foreground?: Foreground,
) {
  return new LocalStepFunctions({
    definitions: new Map([
      ['Followup-pair', compileCadence(cadence, { touchFunction: 'touch', completeFunction: 'complete' })],
    ]),
    functions: new Map<string, LocalFunction>([
      ['touch', touch],
      ['complete', async () => undefined],
    ]),
    clock,
    store,
    retryIntervalMs: 1,
    maxConcurrentInvocations: LIMIT,
    ...(foreground ? { foreground } : {}),
    resumeBatch: 7,
  });
}

/** Lead n's first touch is due n·7 mod 30 minutes after NOW: the due order is not the order they were started in. */
const minutesAfter = (n: number) => (n * 7) % LEADS;

describe('LocalStepFunctions.resume with fewer slots than executions in flight', () => {
  it('resumes all of them and sends each touch due meanwhile once, the earliest due first', async () => {
    // Prepare: 30 executions asleep until their first touch, then a stop
    const store = new MemoryExecutionStore();
    const before = engine(async () => undefined, new ManualClock(NOW), store);
    for (let n = 0; n < LEADS; n++) {
      const enrolledAt = new Date(NOW.getTime() + minutesAfter(n) * MINUTE);
      await before.startExecution({
        stateMachineArn: ARN,
        name: `e${n}`,
        input: JSON.stringify(
          executionInput(cadence, { leadId: `ld_${n}`, enrollmentId: `e${n}`, enrolledAt, zone: 'UTC' }),
        ),
      });
    }
    await before.shutdown();
    let running = 0;
    let peak = 0;
    const touched: string[] = [];
    const touch: LocalFunction = async (payload) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      const { enrollmentId, stepId } = payload as { enrollmentId: string; stepId: string };
      touched.push(`${enrollmentId}/${stepId}`);
      running--;
    };

    // Act: start again an hour later, when every first touch is due, with a request in flight part of the time
    const foreground = new Foreground();
    const after = engine(touch, new ManualClock(new Date(NOW.getTime() + 60 * MINUTE)), store, foreground);
    const answered = foreground.enter();
    const resumed = await after.resume();
    await new Promise((resolve) => setImmediate(resolve));
    answered();
    await after.caughtUp();

    // Assess: all 30, each first touch once in due order, never more than 3 at once; all asleep until day 30
    expect(resumed).toBe(LEADS);
    const dueOrder = Array.from({ length: LEADS }, (_, n) => n)
      .sort((a, b) => minutesAfter(a) - minutesAfter(b))
      .map((n) => `e${n}/now`);
    expect(touched).toEqual(dueOrder);
    expect(peak).toBeLessThanOrEqual(LIMIT);
    expect(after.runningExecutions()).toHaveLength(LEADS);
    await after.shutdown();
  });

  it('has caught up at once when nothing was in flight', async () => {
    // Prepare
    const sfn = engine(async () => undefined, new ManualClock(NOW), new MemoryExecutionStore());

    // Act
    const resumed = await sfn.resume();
    await sfn.caughtUp();

    // Assess
    expect(resumed).toBe(0);
  });
});
