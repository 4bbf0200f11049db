import { describe, expect, it } from 'vitest';
import { leadIdFor } from '../../functions/domain/lead.ts';
import type { LocalFunction } from '../../local/step-functions.ts';
import { awsError, runtimeClients } from '../fault/faults.ts';
import { leadOf, mailboxOf, postLeadJson, T0, type TestRuntime, useEngine } from './harness.ts';

/*
 * StartExecution fails when a lead signs up (throttled, denied): nobody posts again, and still the lead is followed
 * up, because the sweeper retries the start every 5 virtual minutes on the runtime's clock.
 */

const engine = useEngine();
const MINUTE = 60_000;
const RILEY = {
  email: 'riley.ng@example.com',
  name: 'Riley Ng',
  company: 'Harbor Tiles',
  cadence: 'proposal',
};

/** Fails the first `k` StartExecution calls of the runtime's own SFN client (every function's) with `error`. */
async function failFirstStarts(k: number, error: () => Error): Promise<{ calls: () => number }> {
  const { sfn } = await runtimeClients(engine());
  let calls = 0;
  sfn.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'StartExecutionCommand' && ++calls <= k) throw error();
      return next(args);
    },
    { step: 'initialize', name: 'failFirstStarts' },
  );
  return { calls: () => calls };
}

/** Lets 5 virtual minutes pass and waits for the sweep the runtime runs then. */
function sweeps(test: TestRuntime) {
  const functions = test.runtime.functions as Map<string, LocalFunction>;
  const sweeper = functions.get('enrollment-sweeper') as LocalFunction;
  let done: (() => void) | undefined;
  functions.set('enrollment-sweeper', async (event) => {
    try {
      return await sweeper(event);
    } finally {
      done?.();
    }
  });
  return async function nextSweep(): Promise<void> {
    const swept = new Promise<void>((resolve) => {
      done = resolve;
    });
    await test.advanceTo(new Date(test.clock.now().getTime() + 5 * MINUTE));
    await swept;
    await test.settle();
  };
}

const throttled = () => awsError('ThrottlingException', 'Rate exceeded');
const denied = () =>
  awsError('AccessDeniedException', 'not authorized to perform: states:StartExecution on the state machine');

describe('StartExecution fails for the first tries of a signup', () => {
  it('the lead still gets every email of its cadence, each exactly once, with no second post', async () => {
    // Prepare: the signup's start and the next two are throttled
    const test = engine();
    const faults = await failFirstStarts(3, throttled);
    const nextSweep = sweeps(test);

    // Act: the signup is accepted while its start fails, and nobody posts again
    const { status } = await postLeadJson(test.url, RILEY);
    const leadId = leadIdFor(RILEY.email);
    const pending = await leadOf(test.url, leadId);
    for (let i = 0; i < 4 && (await leadOf(test.url, leadId)).enrollments[0]?.status !== 'started'; i++) {
      await nextSweep();
    }
    const started = await leadOf(test.url, leadId);
    const lastTouch = started.schedule.at(-1)?.at as string;
    await test.advanceTo(new Date(Date.parse(lastTouch) + 60 * MINUTE));

    // Assess: the signup was accepted (the lead and its marker were stored); the enrollment waited, then started
    // after 3 failures
    expect(status).toBe(202);
    expect(pending.enrollments).toEqual([
      expect.objectContaining({ status: 'pending', cadenceId: 'proposal', startAttempts: 1 }),
    ]);
    expect(started.enrollments).toEqual([
      expect.objectContaining({
        status: 'started',
        startAttempts: 3,
        enrollmentId: pending.enrollments[0]?.enrollmentId,
      }),
    ]);
    expect(faults.calls()).toBeGreaterThanOrEqual(4);
    expect(Date.parse(String(started.enrollments[0]?.startedAt))).toBeGreaterThan(T0.getTime());

    // Assess: every email step went out once, in order, and nothing twice
    const emailSteps = started.schedule.filter((s) => s.channel === 'email');
    const emails = (await mailboxOf(test.url)).filter((e) => e.destination.to.includes(RILEY.email));
    expect(emailSteps).toHaveLength(5);
    expect(emails).toHaveLength(emailSteps.length);
    expect(new Set(emails.map((e) => e.subject)).size).toBe(emails.length);
    const touches = (await leadOf(test.url, leadId)).touches.filter((t) => t.cadenceId === 'proposal');
    expect(touches.filter((t) => t.status === 'sent')).toHaveLength(6);
    const executions = test.runtime.sfn.list().filter((e) => e.name === pending.enrollments[0]?.enrollmentId);
    expect(executions).toHaveLength(1);
  });
});

describe('StartExecution is refused for good', () => {
  it('the enrollment ends stuck, with its reason and attempts, in the API and on the dashboard', async () => {
    // Prepare
    const test = engine();
    await failFirstStarts(Number.POSITIVE_INFINITY, denied);
    const nextSweep = sweeps(test);

    // Act
    const { status } = await postLeadJson(test.url, RILEY);
    await nextSweep();
    const view = await leadOf(test.url, leadIdFor(RILEY.email));
    const dashboard = await (await fetch(`${test.url}/`)).text();

    // Assess
    expect(status).toBe(500);
    expect(view.enrollments).toEqual([
      expect.objectContaining({
        status: 'stuck',
        startAttempts: 2,
        reason: expect.stringContaining('AccessDeniedException'),
      }),
    ]);
    expect(test.runtime.sfn.list()).toEqual([]);
    const section = dashboard.slice(dashboard.indexOf('id="unstarted-h"'));
    expect(section).toContain('Enrollments that cannot start');
    expect(section).toContain('Riley Ng');
    expect(section).toContain('AccessDeniedException');
  });
});
