import { describe, expect, it } from 'vitest';
import { parseCadence } from '../../../functions/core/cadence.ts';
import type { Cadence } from '../../../functions/core/cadence-schema.ts';
import { compileCadence } from '../../../functions/core/compile.ts';
import { executionInput } from '../../../functions/core/execution-input.ts';
import type { Clock } from '../../../local/clock.ts';
import {
  executionContext,
  type Invocation,
  type LocalFunction,
  LocalStepFunctions,
  type LocalStepFunctionsOptions,
} from '../../../local/step-functions.ts';

/* The options simulate's memory engine runs the interpreter with: the same runs, told to the functions differently. */

const parsed = parseCadence({
  id: 'demo',
  name: 'Demo',
  sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '23:59' },
  minGap: '0 minutes',
  steps: [
    { id: 'one', day: 1, channel: 'email', template: 't' },
    { id: 'two', day: 3, channel: 'email', template: 't' },
  ],
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const cadence: Cadence = parsed.cadence;
const ARN = LocalStepFunctions.stateMachineArn('Followup-demo', 'live');
const definitions = new Map([
  ['Followup-demo', compileCadence(cadence, { touchFunction: 'touch', completeFunction: 'complete' })],
]);
const input = (id: string) =>
  JSON.stringify(
    executionInput(cadence, {
      leadId: 'ld_1',
      enrollmentId: id,
      enrolledAt: '2026-06-01T12:00:00Z',
      zone: 'UTC',
    }),
  );

/** Every wait over at once; "now" outside an invocation is this instant. */
const OUTSIDE = new Date('2026-06-01T00:00:00Z');
const instant: Clock = { now: () => OUTSIDE, sleepUntil: async () => {} };

/** What a function saw of its invocation: the argument, and what executionContext held. */
interface Seen {
  readonly fn: string;
  readonly argument: Invocation | undefined;
  readonly ambient: { executionArn: string; now?: Date } | undefined;
}

function runtime(
  options: Partial<LocalStepFunctionsOptions>,
  behaviour: { touch?: (payload: { stepId: string; enrollmentId: string }) => void } = {},
) {
  const seen: Seen[] = [];
  const record =
    (fn: string, then?: (payload: never) => void): LocalFunction =>
    async (payload, argument) => {
      seen.push({ fn, argument, ambient: executionContext.getStore() });
      then?.(payload as never);
      return { status: 'sent' };
    };
  const sfn = new LocalStepFunctions({
    definitions,
    functions: new Map([
      ['touch', record('touch', behaviour.touch)],
      ['complete', record('complete')],
    ]),
    clock: instant,
    retryIntervalMs: 1,
    validateDefinitions: false,
    ...options,
  });
  return { sfn, seen };
}

const named = (name: string) => Object.assign(new Error(name), { name });

describe('LocalStepFunctions with passInvocation', () => {
  it('hands each function its execution and due instant as an argument, and enters no execution context', async () => {
    // Prepare
    const { sfn, seen } = runtime({ passInvocation: true });
    // Act
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'e1',
      input: input('e1'),
    });
    await sfn.idle();
    // Assess
    expect(seen).toEqual([
      { fn: 'touch', argument: { executionArn, now: new Date('2026-06-01T12:00:00Z') }, ambient: undefined },
      { fn: 'touch', argument: { executionArn, now: new Date('2026-06-03T12:00:00Z') }, ambient: undefined },
      // Complete runs at its last touch's instant.
      {
        fn: 'complete',
        argument: { executionArn, now: new Date('2026-06-03T12:00:00Z') },
        ambient: undefined,
      },
    ]);
  });

  it('tells by default what it tells with the option, in executionContext and with no second argument', async () => {
    // Prepare
    const passed = runtime({ passInvocation: true });
    const ambient = runtime({});
    // Act
    for (const { sfn } of [passed, ambient]) {
      await sfn.startExecution({ stateMachineArn: ARN, name: 'e1', input: input('e1') });
      await sfn.idle();
    }
    // Assess
    expect(ambient.seen.map((s) => s.argument)).toEqual([undefined, undefined, undefined]);
    expect(ambient.seen.map((s) => ({ fn: s.fn, invocation: s.ambient }))).toEqual(
      passed.seen.map((s) => ({ fn: s.fn, invocation: s.argument })),
    );
    expect(passed.sfn.counters).toEqual(ambient.sfn.counters);
  });

  it('fails the execution with the error a function throws before its first await', async () => {
    // Prepare
    const sfn = new LocalStepFunctions({
      definitions,
      functions: new Map<string, LocalFunction>([
        [
          'touch',
          (() => {
            throw named('SendRejected');
          }) as LocalFunction,
        ],
      ]),
      clock: instant,
      retryIntervalMs: 1,
      validateDefinitions: false,
      passInvocation: true,
    });
    // Act
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'e1',
      input: input('e1'),
    });
    await sfn.idle();
    // Assess
    expect(sfn.describeExecution({ executionArn })).toMatchObject({
      status: 'FAILED',
      error: 'SendRejected',
    });
  });
});

describe('LocalStepFunctions with countTransitionsAtEnd', () => {
  /** Each way an execution ends: it completes, a touch exits it, a touch fails, it is stopped mid-touch. */
  async function ends(options: Partial<LocalStepFunctionsOptions>) {
    let stop: (() => Promise<unknown>) | undefined;
    const { sfn } = runtime(options, {
      touch: ({ stepId, enrollmentId }) => {
        if (stepId !== 'two') return;
        if (enrollmentId === 'exits') throw named('LeadExited');
        if (enrollmentId === 'fails') throw named('SendRejected');
        if (enrollmentId === 'stopped') void stop?.();
      },
    });
    const arns: string[] = [];
    for (const name of ['completes', 'exits', 'fails', 'stopped']) {
      const { executionArn } = await sfn.startExecution({ stateMachineArn: ARN, name, input: input(name) });
      if (name === 'stopped') stop = () => sfn.stopExecution({ executionArn });
      arns.push(executionArn);
      await sfn.idle();
    }
    return {
      counters: sfn.counters,
      executions: arns.map((executionArn) => {
        const { status, currentState, error } = sfn.describeExecution({ executionArn });
        return { status, currentState, error };
      }),
    };
  }

  it('counts the same transitions and keeps the same last state as when it reads them live', async () => {
    // Prepare, Act
    const live = await ends({});
    const atEnd = await ends({ countTransitionsAtEnd: true });
    // Assess
    expect(atEnd).toEqual(live);
    expect(live.executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'FAILED', 'ABORTED']);
    expect(live.executions[1]?.currentState).toBe('Exited');
  });
});
