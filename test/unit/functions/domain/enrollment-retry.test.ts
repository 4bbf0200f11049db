import { SFNClient, SFNServiceException, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../../../functions/adapters/cadence-catalog.ts';
import { SfnExecutions } from '../../../../functions/adapters/sfn-executions.ts';
import { type EnrollDeps, enrollLead } from '../../../../functions/domain/enroll.ts';
import {
  MAX_START_ATTEMPTS,
  retryDelayMs,
  type SweepDeps,
  type SweepResult,
  sweepEnrollments,
} from '../../../../functions/domain/enrollment-retry.ts';
import { leadIdFor } from '../../../../functions/domain/lead.ts';
import type { MetricName } from '../../../../functions/domain/report-ports.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';
import { faultyStore } from '../../../fault/faults.ts';
import {
  ALL_CADENCES,
  ARN_TEMPLATE,
  CREDENTIALS,
  REGION,
  silentLogger,
} from '../../../support/handler-fixtures.ts';

/*
 * A start that fails is retried by the sweeper until it starts, with the same name and input (so never twice),
 * with growing waits; one that cannot start ends `stuck`, counted for the alarm.
 */

const sfn = mockClient(SFNClient);
const NOW = new Date('2026-07-07T15:00:00.000Z');
const EMAIL = 'riley@example.com';
const LEAD_ID = leadIdFor(EMAIL);
const MINUTE = 60_000;

const throttled = () =>
  new SFNServiceException({
    name: 'ThrottlingException',
    message: 'Rate exceeded',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
const denied = () =>
  new SFNServiceException({
    name: 'AccessDeniedException',
    message: 'not authorized to perform: states:StartExecution',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });

let store: MemoryLeadStore;
let metrics: { name: MetricName; value: number }[];

function deps(overrides: Partial<SweepDeps> = {}): SweepDeps & EnrollDeps {
  return {
    store,
    executions: new SfnExecutions({
      client: new SFNClient({ region: REGION, credentials: CREDENTIALS, maxAttempts: 1 }),
      stateMachineArnTemplate: ARN_TEMPLATE,
    }),
    cadences: new StaticCadenceCatalog(ALL_CADENCES),
    defaultTimeZone: 'America/Chicago',
    logger: silentLogger,
    metrics: { add: (name, value) => metrics.push({ name, value }) },
    // The longest wait of each step: the schedule of retries is exact.
    random: () => 1,
    ...overrides,
  };
}

/** Fails the first `k` StartExecution calls with `error`, then starts. */
function failFirst(k: number, error: () => Error = throttled) {
  let calls = 0;
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => {
    calls++;
    if (calls <= k) throw error();
    return {
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:Followup-web-inquiry:${input.name}`,
    };
  });
}

const starts = () => sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);

/** A signup through the form, whose start may fail: what its caller is told, or the error it sees. */
async function signUp(at = NOW): Promise<{ status?: string; error?: Error; reason?: string }> {
  const told = await enrollLead(
    deps(),
    {
      profile: { email: EMAIL, name: 'Riley' },
      cadenceId: 'web-inquiry',
      source: 'intake',
      pendingOnFailedStart: true,
    },
    at,
  ).then(
    ({ enrollment }) => ({ status: enrollment.status }),
    (error: unknown) => ({ error: error as Error }),
  );
  const [record] = [...store.enrollments.values()];
  return { ...told, ...(record?.reason ? { reason: record.reason } : {}) };
}

/** Sweeps as the schedule would, every 5 minutes from `from`, until nothing is due or `until`. */
async function sweepEvery5Minutes(from: Date, until: Date): Promise<{ at: Date; result: SweepResult }[]> {
  const sweeps: { at: Date; result: SweepResult }[] = [];
  for (let t = from.getTime(); t <= until.getTime(); t += 5 * MINUTE) {
    const at = new Date(t);
    const result = await sweepEnrollments(deps(), at);
    if (result.due > 0) sweeps.push({ at, result });
    if (store.retries.size === 0) break;
  }
  return sweeps;
}

const onlyEnrollment = () => {
  const records = [...store.enrollments.values()];
  expect(records).toHaveLength(1);
  return records[0] as NonNullable<(typeof records)[0]>;
};

beforeEach(() => {
  sfn.reset();
  store = new MemoryLeadStore();
  metrics = [];
});

describe('a start that fails for the first attempts', () => {
  it('is started by the sweeper exactly once, with the original name and input, with no second signup', async () => {
    // Prepare: StartExecution is throttled at the signup and at the next two tries
    failFirst(3);
    const signup = await signUp();

    // Act
    const sweeps = await sweepEvery5Minutes(
      new Date(NOW.getTime() + 5 * MINUTE),
      new Date(NOW.getTime() + 3_600_000),
    );

    // Assess: the signup was accepted as pending, its throttle recorded; the sweeper tried twice more, then started it
    expect(signup).toEqual({ status: 'pending', reason: expect.stringContaining('TransientError') });
    expect(sweeps.map((s) => s.result.started)).toEqual([0, 0, 1]);
    const calls = starts();
    expect(calls).toHaveLength(4);
    const [first] = calls;
    for (const call of calls) {
      expect(call.name).toBe(first?.name);
      expect(call.input).toBe(first?.input);
      expect(call.stateMachineArn).toBe(first?.stateMachineArn);
    }
    const record = onlyEnrollment();
    expect(record).toMatchObject({ status: 'started', enrollmentId: first?.name, startAttempts: 3 });
    expect(record.inputJson).toBe(first?.input);
    expect(store.retries.size).toBe(0);
    expect(store.events.filter((e) => e.kind === 'enrolled')).toHaveLength(1);
    expect(metrics).toEqual([]);
  });

  it('waits longer after each failure: 1, 2, 4 … minutes, at most an hour', async () => {
    // Prepare
    failFirst(Number.POSITIVE_INFINITY);
    await signUp();
    const waits: number[] = [];

    // Act: sweep exactly when each retry is due
    for (let i = 0; i < MAX_START_ATTEMPTS - 1; i++) {
      const [retry] = [...store.retries.values()];
      if (!retry) break;
      const previous = onlyEnrollment().startAttempts ?? 0;
      const at = new Date(retry.dueAt);
      await sweepEnrollments(deps(), at);
      const next = [...store.retries.values()][0];
      if (next) waits.push((Date.parse(next.dueAt) - at.getTime()) / MINUTE);
      expect(onlyEnrollment().startAttempts).toBe(previous + 1);
    }

    // Assess
    expect(waits).toEqual([2, 4, 8, 16, 32, 60]);
    expect(retryDelayMs(1, () => 0)).toBe(MINUTE / 2);
    expect(retryDelayMs(30, () => 0.5)).toBe(0.75 * 3_600_000);
  });

  it('is stuck with its reason after too many failures, counted once for the alarm, and tried no more', async () => {
    // Prepare
    failFirst(Number.POSITIVE_INFINITY);
    await signUp();

    // Act
    await sweepEvery5Minutes(NOW, new Date(NOW.getTime() + 24 * 3_600_000));
    const callsWhenStuck = starts().length;
    await sweepEnrollments(deps(), new Date(NOW.getTime() + 48 * 3_600_000));

    // Assess
    expect(callsWhenStuck).toBe(MAX_START_ATTEMPTS);
    expect(starts()).toHaveLength(MAX_START_ATTEMPTS);
    expect(onlyEnrollment()).toMatchObject({
      status: 'stuck',
      startAttempts: MAX_START_ATTEMPTS,
      reason: expect.stringContaining('ThrottlingException'),
      endedAt: expect.any(String),
    });
    expect(metrics).toEqual([{ name: 'EnrollmentsStuck', value: 1 }]);
    expect(store.retries.size).toBe(0);
  });

  it('gives up at once on a refusal no retry fixes (access denied), naming it', async () => {
    // Prepare
    failFirst(Number.POSITIVE_INFINITY, denied);
    const signup = await signUp();

    // Act
    const sweeps = await sweepEvery5Minutes(
      new Date(NOW.getTime() + 5 * MINUTE),
      new Date(NOW.getTime() + 3_600_000),
    );

    // Assess
    expect(signup.error?.name).toBe('StartRefused');
    expect(sweeps.map((s) => s.result.stuck)).toEqual([1]);
    expect(starts()).toHaveLength(2);
    expect(onlyEnrollment()).toMatchObject({
      status: 'stuck',
      startAttempts: 2,
      reason: 'StartRefused: AccessDeniedException: not authorized to perform: states:StartExecution',
    });
    expect(metrics).toEqual([{ name: 'EnrollmentsStuck', value: 1 }]);
  });
});

describe('what the sweeper does not start', () => {
  it('a lead that replied before its retry: the enrollment is cancelled and its slot freed', async () => {
    // Prepare
    failFirst(1);
    await signUp();
    await store.changeStatus(LEAD_ID, 'active', 'replied', {
      at: new Date(NOW.getTime() + MINUTE).toISOString(),
      kind: 'status',
      source: 'ses',
      from: 'active',
      to: 'replied',
    });

    // Act
    const [sweep] = await sweepEvery5Minutes(
      new Date(NOW.getTime() + 5 * MINUTE),
      new Date(NOW.getTime() + 3_600_000),
    );

    // Assess
    expect(sweep?.result).toMatchObject({ due: 1, cancelled: 1, started: 0 });
    expect(starts()).toHaveLength(1);
    expect(onlyEnrollment()).toMatchObject({ status: 'cancelled', reason: 'lead is replied' });
    expect(await store.listActive(LEAD_ID)).toEqual([]);
    expect(store.retries.size).toBe(0);
  });

  it('nothing after a start that worked: a signup leaves no marker behind', async () => {
    // Prepare
    failFirst(0);

    // Act
    await signUp();
    const sweep = await sweepEnrollments(deps(), new Date(NOW.getTime() + 3_600_000));

    // Assess
    expect(store.retries.size).toBe(0);
    expect(sweep.due).toBe(0);
    expect(starts()).toHaveLength(1);
    expect(onlyEnrollment().status).toBe('started');
  });
});

describe('a signup whose function died before it could start', () => {
  it('after taking the slot, before writing the enrollment: the sweeper writes it and starts it', async () => {
    // Prepare: the function dies at the enrollment write
    failFirst(0);
    const dying = faultyStore(store, {
      putEnrollment: () => {
        throw new Error('Runtime exited');
      },
    });
    await expect(
      enrollLead(
        deps({ store: dying }),
        { profile: { email: EMAIL }, cadenceId: 'web-inquiry', source: 'intake' },
        NOW,
      ),
    ).rejects.toThrow('Runtime exited');

    // Act
    const [sweep] = await sweepEvery5Minutes(
      new Date(NOW.getTime() + 5 * MINUTE),
      new Date(NOW.getTime() + 3_600_000),
    );

    // Assess
    expect(sweep?.result.started).toBe(1);
    const [call] = starts();
    const [slot] = await store.listActive(LEAD_ID);
    expect(call?.name).toBe(slot?.enrollmentId);
    expect(call?.input).toBe(slot?.inputJson);
    expect(onlyEnrollment()).toMatchObject({ status: 'started', source: 'sweeper' });
  });
});
