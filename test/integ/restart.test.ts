import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  enroll,
  leadOf,
  ManualClock,
  mailboxOf,
  showLogsOnFailure,
  smsOf,
  startTestRuntime,
  T0,
  type TestRuntime,
  tempDir,
} from './harness.ts';

/* The local runtime on disk, stopped and started again while a lead is mid-cadence: nothing lost, nothing doubled. */

const SAM = {
  email: 'sam.lee@example.com',
  name: 'Sam Lee',
  company: 'Northwind Traders',
  phone: '(312) 555-0142',
  smsConsent: true,
  consentText: 'Yes, text me about my inquiry. Reply STOP to opt out.',
};
const HOUR = 3_600_000;

let dir: ReturnType<typeof tempDir>;
const started: TestRuntime[] = [];

async function start(at: Date): Promise<TestRuntime> {
  const rt = await startTestRuntime({ dataDir: dir.path, clock: new ManualClock(at) });
  started.push(rt);
  return rt;
}

const countBy = <T>(items: readonly T[], key: (item: T) => string) => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};

beforeEach(({ onTestFailed }) => {
  showLogsOnFailure(onTestFailed);
  dir = tempDir('followup-restart-');
});

afterEach(async () => {
  for (const rt of started.splice(0)) await rt.stop();
  dir.remove();
});

describe('a restart mid-cadence', () => {
  it('resumes the lead: every later touch happens exactly once, at its instant; none lost, none doubled', async () => {
    // Prepare: a lead whose first touch has gone out
    const first = await start(T0);
    const { leadId, enrollment } = await enroll(first.url, SAM);
    await first.settle();
    expect((await leadOf(first.url, leadId)).touches.map((t) => t.step)).toEqual([
      enrollment.schedule[0]?.step,
    ]);
    const schedule = enrollment.schedule;
    const middle = schedule[4];
    if (!middle) throw new Error('web-inquiry has fewer than five steps');

    // Act: stop; start again on the same data an hour later; stop again mid-way; start; let the cadence run out
    await first.stop();
    const second = await start(new Date(T0.getTime() + HOUR));
    const resumedFirst = second.runtime.resumed;
    await second.advanceTo(new Date(Date.parse(middle.at) + HOUR));
    await second.stop();
    const third = await start(new Date(Date.parse(middle.at) + 2 * HOUR));
    const resumedSecond = third.runtime.resumed;
    await third.advanceTo(schedule.at(-1)?.at ?? '');

    // Assess: both restarts picked the lead up
    expect([resumedFirst, resumedSecond]).toEqual([1, 1]);

    // Assess: one touch per step, each at its own instant
    const view = await leadOf(third.url, leadId);
    const touches = view.touches.filter((t) => t.enrollmentId === enrollment.id);
    expect(countBy(touches, (t) => t.step)).toEqual(Object.fromEntries(schedule.map((s) => [s.step, 1])));
    for (const step of schedule) {
      const touch = touches.find((t) => t.step === step.step);
      expect(touch?.status, step.step).toBe('sent');
      expect(Date.parse(touch?.at ?? ''), step.step).toBe(Date.parse(step.at));
    }

    // Assess: what the lead and the rep received, exactly once each
    const mail = await mailboxOf(third.url);
    const toLead = mail.filter((m) => m.destination.to.includes(SAM.email));
    const toOwner = mail.filter((m) => m.destination.to.includes(third.runtime.config.owner.email));
    const count = (channel: string) => schedule.filter((s) => s.channel === channel).length;
    expect(toLead).toHaveLength(count('email'));
    expect(Object.values(countBy(toLead, (m) => m.subject))).toEqual(toLead.map(() => 1));
    expect(toOwner).toHaveLength(count('call'));
    expect(Object.values(countBy(toOwner, (m) => m.subject))).toEqual(toOwner.map(() => 1));
    expect(await smsOf(third.url)).toHaveLength(count('sms'));

    // Assess: still one execution for the enrollment, finished, and the lead moved on to nurture
    const runs = third.runtime.sfn.list().filter((r) => JSON.parse(r.input).leadId === leadId);
    expect(runs.filter((r) => r.name === enrollment.id).map((r) => r.status)).toEqual(['SUCCEEDED']);
    expect(view.lead.status).toBe('nurture');
    expect(view.enrollments.map((e) => e.cadenceId)).toEqual(['web-inquiry', 'quarterly-nurture']);
  });
});
