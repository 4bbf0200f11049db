import { describe, expect, it } from 'vitest';
import { parseCadence } from '../../../functions/core/cadence.ts';
import type { Cadence } from '../../../functions/core/cadence-schema.ts';
import { compileCadence } from '../../../functions/core/compile.ts';
import { executionInput } from '../../../functions/core/execution-input.ts';
import { type Clock, MAX_SLICE_MS, ScaledClock } from '../../../local/clock.ts';
import { handleSfnRequest } from '../../../local/sfn-api.ts';
import {
  executionContext,
  type LocalFunction,
  LocalStepFunctions,
  MemoryExecutionStore,
} from '../../../local/step-functions.ts';

const parsed = parseCadence({
  id: 'demo',
  name: 'Demo',
  sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '23:59' },
  minGap: '0 minutes',
  steps: [
    { id: 'one', day: 1, channel: 'email', template: 't' },
    { id: 'two', day: 3, channel: 'email', template: 't' },
    { id: 'three', day: 40, channel: 'call', template: 't' },
  ],
  then: 'demo',
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const cadence: Cadence = parsed.cadence;
const ARN = LocalStepFunctions.stateMachineArn('Followup-demo', 'live');
const definitions = new Map([
  ['Followup-demo', compileCadence(cadence, { touchFunction: 'touch', completeFunction: 'complete' })],
]);

/** A clock where every wait is over at once, and "now" is the due time of the touch being run. */
class InstantClock implements Clock {
  now() {
    return executionContext.getStore()?.now ?? new Date('2026-06-01T12:00:00Z');
  }
  async sleepUntil() {}
}

function runtime(
  functions: Record<string, (p: never) => Promise<unknown>>,
  clock: Clock = new InstantClock(),
  store = new MemoryExecutionStore(),
) {
  return new LocalStepFunctions({
    definitions,
    functions: new Map(Object.entries(functions)) as unknown as ReadonlyMap<string, LocalFunction>,
    clock,
    store,
    retryIntervalMs: 1,
  });
}

const inputFor = (enrollmentId: string) =>
  JSON.stringify(
    executionInput(cadence, {
      leadId: 'ld_1',
      enrollmentId,
      enrolledAt: '2026-06-01T12:00:00Z',
      zone: 'UTC',
    }),
  );

const named = (name: string) => Object.assign(new Error(name), { name });

describe('LocalStepFunctions', () => {
  it('runs the compiled definition: each touch at its scheduled instant, then Complete with the next cadence', async () => {
    // Prepare
    const seen: string[] = [];
    const sfn = runtime({
      touch: async (p: { stepId: string }) => {
        seen.push(`${p.stepId}@${executionContext.getStore()?.now?.toISOString()}`);
      },
      complete: async (p: { then: string }) => {
        seen.push(`complete→${p.then}`);
      },
    });
    // Act
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'e1',
      input: inputFor('e1'),
    });
    await sfn.idle();
    // Assess
    expect(seen).toEqual([
      'one@2026-06-01T12:00:00.000Z',
      'two@2026-06-03T12:00:00.000Z',
      'three@2026-07-10T12:00:00.000Z',
      'complete→demo',
    ]);
    expect(sfn.describeExecution({ executionArn }).status).toBe('SUCCEEDED');
    // 2 transitions per touch and 2 per enrollment.
    expect(sfn.counters).toEqual({ transitions: 3 * 2 + 2, lambdaInvocations: 4 });
  });

  it('retries a TransientError and ends in Exited on LeadExited, as Step Functions would', async () => {
    let calls = 0;
    const sfn = runtime({
      touch: async () => {
        calls++;
        if (calls === 1) throw named('TransientError');
        if (calls === 3) throw named('LeadExited');
      },
      complete: async () => {
        throw new Error('must not complete after an exit');
      },
    });
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'e2',
      input: inputFor('e2'),
    });
    await sfn.idle();
    const execution = sfn.describeExecution({ executionArn });
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? 'null')).toMatchObject({ Error: 'LeadExited' });
    expect(calls).toBe(3);
  });

  it('fails the execution loudly on a permanent error', async () => {
    const sfn = runtime({
      touch: async () => Promise.reject(named('MessageRejected')),
      complete: async () => undefined,
    });
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'e3',
      input: inputFor('e3'),
    });
    await sfn.idle();
    expect(sfn.describeExecution({ executionArn })).toMatchObject({
      status: 'FAILED',
      error: 'MessageRejected',
    });
  });

  it('treats the same name and input as the same execution, and another input as ExecutionAlreadyExists', async () => {
    const sfn = runtime(
      { touch: async () => undefined, complete: async () => undefined },
      new ScaledClock(1),
    );
    const first = await sfn.startExecution({ stateMachineArn: ARN, name: 'e4', input: inputFor('e4') });
    const again = await sfn.startExecution({ stateMachineArn: ARN, name: 'e4', input: inputFor('e4') });
    expect(again.executionArn).toBe(first.executionArn);
    await expect(
      sfn.startExecution({ stateMachineArn: ARN, name: 'e4', input: inputFor('other') }),
    ).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
    await sfn.stopExecution({ executionArn: first.executionArn });
    expect(sfn.describeExecution(first).status).toBe('ABORTED');
    await sfn.idle();
  });

  it('resumes executions that were running when it stopped, and touches nothing twice', async () => {
    // Prepare: a real-time clock, so the day-3 touch is still waiting when the runtime shuts down.
    const store = new MemoryExecutionStore();
    const sent: string[] = [];
    const claimed = new Set<string>();
    const touch = async (p: { stepId: string }) => {
      if (claimed.has(p.stepId)) return; // the handler's claim: a re-run of a done touch sends nothing
      claimed.add(p.stepId);
      sent.push(p.stepId);
    };
    const first = runtime(
      { touch, complete: async () => undefined },
      new ScaledClock(1, Date.parse('2026-06-01T12:00:00Z')),
      store,
    );
    const { executionArn } = await first.startExecution({
      stateMachineArn: ARN,
      name: 'e5',
      input: inputFor('e5'),
    });
    await expect.poll(() => sent).toEqual(['one']);
    // Act: stop, then start again with the clock past every touch.
    await first.shutdown();
    const second = runtime({ touch, complete: async () => undefined }, new InstantClock(), store);
    const resumed = await second.resume();
    await second.idle();
    // Assess
    expect(resumed).toBe(1);
    expect(sent).toEqual(['one', 'two', 'three']);
    expect(second.describeExecution({ executionArn }).status).toBe('SUCCEEDED');
  });
  it('resumes many in flight a batch at a time: every one runs to its end, each touch once', async () => {
    // Prepare: 60 executions asleep before their first touch, then a shutdown
    const store = new MemoryExecutionStore();
    const sleeping = runtime(
      { touch: async () => undefined, complete: async () => undefined },
      new ScaledClock(1, Date.parse('2026-05-01T00:00:00Z')),
      store,
    );
    for (let n = 0; n < 60; n++) {
      await sleeping.startExecution({ stateMachineArn: ARN, name: `r${n}`, input: inputFor(`r${n}`) });
    }
    await sleeping.shutdown();
    const touched: string[] = [];
    const touch = async (p: { enrollmentId: string; stepId: string }) => {
      touched.push(`${p.enrollmentId}/${p.stepId}`);
    };

    // Act: resumed 7 at a time, with every touch due
    const resuming = new LocalStepFunctions({
      definitions,
      functions: new Map(
        Object.entries({ touch, complete: async () => undefined }),
      ) as unknown as ReadonlyMap<string, LocalFunction>,
      clock: new InstantClock(),
      store,
      retryIntervalMs: 1,
      resumeBatch: 7,
    });
    const resumed = await resuming.resume();
    await resuming.idle();

    // Assess
    expect(resumed).toBe(60);
    expect(new Set(touched).size).toBe(touched.length);
    expect(touched).toHaveLength(60 * 3);
    expect(resuming.list().map((r) => r.status)).toEqual(resuming.list().map(() => 'SUCCEEDED'));
  });

  it('tells each end of an execution as it happens and lists only the executions still running', async () => {
    // Prepare: one execution that finishes, one stopped while its first touch waits, a listener on both.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sfn = runtime({
      touch: async (p: { enrollmentId: string }) => {
        if (p.enrollmentId === 'held') await held;
      },
      complete: async () => undefined,
    });
    const ended: string[] = [];
    const unsubscribe = sfn.onFinished((record) => ended.push(`${record.name} ${record.status}`));
    // Act
    await sfn.startExecution({ stateMachineArn: ARN, name: 'quick', input: inputFor('quick') });
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'held',
      input: inputFor('held'),
    });
    const runningAtStart = sfn.runningExecutions().map((r) => r.name);
    await sfn.stopExecution({ executionArn });
    release();
    await sfn.idle();
    unsubscribe();
    await sfn.startExecution({ stateMachineArn: ARN, name: 'unheard', input: inputFor('unheard') });
    await sfn.idle();
    // Assess
    expect(runningAtStart.sort()).toEqual(['held', 'quick']);
    expect(ended.sort()).toEqual(['held ABORTED', 'quick SUCCEEDED']);
    expect(sfn.runningExecutions()).toEqual([]);
  });
});

describe('the local Step Functions API', () => {
  it('speaks the AWS JSON protocol the SDK expects, errors included', async () => {
    const sfn = runtime({ touch: async () => undefined, complete: async () => undefined });
    const started = await handleSfnRequest(
      sfn,
      'AWSStepFunctions.StartExecution',
      JSON.stringify({ stateMachineArn: ARN, name: 'api', input: inputFor('api') }),
    );
    expect(started.status).toBe(200);
    const { executionArn, startDate } = JSON.parse(started.body);
    expect(typeof startDate).toBe('number');
    const clash = await handleSfnRequest(
      sfn,
      'AWSStepFunctions.StartExecution',
      JSON.stringify({ stateMachineArn: ARN, name: 'api', input: '{}' }),
    );
    expect(clash.status).toBe(400);
    await sfn.idle();
    expect(JSON.parse(clash.body).__type).toMatch(/ExecutionAlreadyExists$/);
    const described = JSON.parse(
      (await handleSfnRequest(sfn, 'AWSStepFunctions.DescribeExecution', JSON.stringify({ executionArn })))
        .body,
    );
    expect(described.status).toBe('SUCCEEDED');
    const missing = await handleSfnRequest(
      sfn,
      'AWSStepFunctions.StopExecution',
      JSON.stringify({ executionArn: `${executionArn}x` }),
    );
    expect(JSON.parse(missing.body).__type).toMatch(/ExecutionDoesNotExist$/);
  });
});

describe('ScaledClock', () => {
  it('never hands the timer more than a slice, so a 30-day wait at speed 1 does not fire early', async () => {
    // Prepare: a fake real clock that advances by whatever is slept.
    let real = 0;
    const slices: number[] = [];
    const clock = new ScaledClock(1, 0, {
      now: () => real,
      sleep: async (ms) => {
        slices.push(ms);
        real += ms;
      },
    });
    // Act
    await clock.sleepUntil(new Date(30 * 86_400_000));
    // Assess
    expect(Math.max(...slices)).toBeLessThanOrEqual(MAX_SLICE_MS);
    expect(real).toBe(30 * 86_400_000);
  });

  it('passes virtual time `speed` times faster and continues from its anchor', () => {
    let real = 1_000;
    const clock = new ScaledClock(86_400, Date.parse('2026-01-01T00:00:00Z'), {
      now: () => real,
      sleep: async () => undefined,
    });
    real += 1_000;
    expect(clock.now().toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });
});
