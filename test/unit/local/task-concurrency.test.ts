import { describe, expect, it } from 'vitest';
import { parseCadence } from '../../../functions/core/cadence.ts';
import { compileCadence } from '../../../functions/core/compile.ts';
import { executionInput } from '../../../functions/core/execution-input.ts';
import {
  type LocalFunction,
  LocalStepFunctions,
  MemoryExecutionStore,
} from '../../../local/step-functions.ts';
import { ManualClock } from '../../integ/harness.ts';

/*
 * The local runtime runs only so many Task invocations at once, so a burst of due touches cannot overload the
 * emulators it shares a process with; an execution asleep until its touch is due holds no slot meanwhile.
 */

const parsed = parseCadence({
  id: 'burst',
  name: 'Burst',
  sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '23:59' },
  minGap: '0 minutes',
  steps: [{ id: 'one', wait: '0 minutes', channel: 'email', template: 't' }],
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const cadence = parsed.cadence;
const ARN = LocalStepFunctions.stateMachineArn('Followup-burst', 'live');
const NOW = new Date('2026-06-01T12:00:00Z');

function engine(touch: LocalFunction, clock: ManualClock, limit: number) {
  return new LocalStepFunctions({
    definitions: new Map([
      ['Followup-burst', compileCadence(cadence, { touchFunction: 'touch', completeFunction: 'complete' })],
    ]),
    functions: new Map<string, LocalFunction>([
      ['touch', touch],
      ['complete', async () => undefined],
    ]),
    clock,
    store: new MemoryExecutionStore(),
    retryIntervalMs: 1,
    maxConcurrentInvocations: limit,
  });
}

const start = (sfn: LocalStepFunctions, name: string, enrolledAt: Date) =>
  sfn.startExecution({
    stateMachineArn: ARN,
    name,
    input: JSON.stringify(
      executionInput(cadence, { leadId: `ld_${name}`, enrollmentId: name, enrolledAt, zone: 'UTC' }),
    ),
  });

describe('LocalStepFunctions with maxConcurrentInvocations', () => {
  it('runs 40 touches due at one instant at most 4 at a time, and every one of them once', async () => {
    // Prepare: each touch holds its slot for a few turns of the event loop, as a send to SES would
    let running = 0;
    let peak = 0;
    const ran: string[] = [];
    const touch: LocalFunction = async (payload) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      ran.push(String((payload as { enrollmentId: string }).enrollmentId));
      running--;
    };
    const sfn = engine(touch, new ManualClock(NOW), 4);

    // Act
    await Promise.all(Array.from({ length: 40 }, (_, i) => start(sfn, `e${i}`, NOW)));
    await sfn.idle();

    // Assess
    expect(peak).toBe(4);
    expect(ran.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `e${i}`).sort());
    expect(sfn.list().map((r) => r.status)).toEqual(Array(40).fill('SUCCEEDED'));
  });

  it('lets a touch due now run while another execution sleeps until its touch, with one slot', async () => {
    // Prepare
    const clock = new ManualClock(NOW);
    const ran: string[] = [];
    const sfn = engine(
      async (payload) => {
        ran.push(String((payload as { enrollmentId: string }).enrollmentId));
      },
      clock,
      1,
    );
    await start(sfn, 'later', new Date(NOW.getTime() + 86_400_000));
    await expect.poll(() => clock.sleeping).toBe(1);

    // Act
    await start(sfn, 'now', NOW);

    // Assess: the due one ran and finished; the sleeping one is still waiting for its day
    await expect.poll(() => ran).toEqual(['now']);
    await expect.poll(() => sfn.list().find((r) => r.name === 'now')?.status).toBe('SUCCEEDED');
    expect(sfn.list().find((r) => r.name === 'later')?.status).toBe('RUNNING');
    await sfn.shutdown();
  });

  it('refuses a limit below 1, saying what it must be', () => {
    // Act
    const make = () => engine(async () => undefined, new ManualClock(NOW), 0);

    // Assess
    expect(make).toThrow('a concurrency limit must be 1 or more, not 0');
  });
});
