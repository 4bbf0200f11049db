import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalFunction } from '../../local/step-functions.ts';
import {
  enroll,
  leadOf,
  ManualClock,
  mailboxOf,
  showLogsOnFailure,
  startTestRuntime,
  T0,
  type TestRuntime,
  tempDir,
} from './harness.ts';

/*
 * Issue #15, a rep's SLA end to end on the local runtime: `owners` share new leads round-robin; a call step with
 * `"sla": "15 minutes"` emails the assigned rep at once; not done in time, the next rep is told, then the fallback
 * owner, each once, each an event on the lead. A task marked done in time is not escalated.
 */

const REPO = new URL('../..', import.meta.url).pathname;
const MINUTE = 60_000;

let project: { path: string; remove: () => void };
let rt: TestRuntime;

beforeEach(async ({ onTestFailed }) => {
  showLogsOnFailure(onTestFailed);
  project = tempDir('followup-rep-sla-');
  for (const name of ['cadences', 'templates', 'followup.config.json'])
    cpSync(join(REPO, name), join(project.path, name), { recursive: true });
  // The stack's code, so the deployed IAM is synthesized for this config and enforced (local/iam/deployed.ts).
  for (const name of ['lib', 'functions', 'node_modules'])
    symlinkSync(join(REPO, name), join(project.path, name));
  const configFile = join(project.path, 'followup.config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8'));
  config.owners = [
    { name: 'Ana Reyes', email: 'ana@example.com', hours: { days: 'Mon-Fri', from: '09:00', to: '17:00' } },
    { name: 'Ben Okafor', email: 'ben@example.com', phone: '+12175550111' },
  ];
  config.formCadences = [...config.formCadences, 'callback'];
  writeFileSync(configFile, JSON.stringify(config));
  writeFileSync(
    join(project.path, 'cadences', 'callback.json'),
    JSON.stringify({
      id: 'callback',
      name: 'Call back at once',
      timezone: 'America/Chicago',
      steps: [
        {
          id: 'call',
          wait: '0 minutes',
          channel: 'call',
          template: 'walkthrough-call',
          sendWindow: 'immediate',
          sla: '15 business minutes',
        },
      ],
    }),
  );
  rt = await startTestRuntime({ clock: new ManualClock(T0), root: project.path });
  // The first run synthesizes the stack for this config (seconds to a minute on a busy machine); then it is cached.
}, 240_000);
afterEach(async () => {
  await rt?.stop();
  project.remove();
});

/** Lets `minutes` virtual minutes pass and waits for the every-minute SLA sweep the runtime runs on its clock. */
async function slaSweepAfter(minutes: number): Promise<void> {
  const functions = rt.runtime.functions as Map<string, LocalFunction>;
  const sweeper = functions.get('enrollment-sweeper') as LocalFunction;
  const swept = new Promise<void>((resolve) => {
    functions.set('enrollment-sweeper', async (event) => {
      try {
        return await sweeper(event);
      } finally {
        if ((event as { sweep?: string }).sweep === 'sla') {
          functions.set('enrollment-sweeper', sweeper);
          resolve();
        }
      }
    });
  });
  await rt.advanceTo(new Date(rt.clock.now().getTime() + minutes * MINUTE));
  await swept;
  await rt.settle();
}

const to = (email: string) => async () =>
  (await mailboxOf(rt.url)).filter((m) => m.destination.to.some((t) => t.includes(email)));

describe('a rep’s SLA on the local runtime', () => {
  it('escalates a call not done in time to the next rep, then the owner; a call done in time is left alone', async () => {
    // Prepare: two leads, shared between Ana and Ben; their call tasks go out at once
    const late = await enroll(rt.url, {
      email: 'late.call@example.com',
      name: 'Late Call',
      cadence: 'callback',
    });
    const quick = await enroll(rt.url, {
      email: 'quick.call@example.com',
      name: 'Quick Call',
      cadence: 'callback',
    });
    await rt.advanceTo(new Date(T0.getTime() + MINUTE));
    const anasTask = (await to('ana@example.com')()).find((m) => m.subject.includes('Late Call'));
    const bensTask = (await to('ben@example.com')()).find((m) => m.subject.includes('Quick Call'));
    expect(anasTask).toBeDefined();
    expect(bensTask).toBeDefined();

    // Act: Ben marks his call done in time; Ana does not
    const done = /Done: (\S+)/.exec(bensTask?.text ?? '')?.[1];
    expect(done).toBeDefined();
    await rt.advanceTo(new Date(T0.getTime() + 5 * MINUTE));
    expect((await fetch(done ?? '', { method: 'POST', body: '' })).status).toBe(200);
    await slaSweepAfter(11);
    await slaSweepAfter(5);
    await slaSweepAfter(16);
    await slaSweepAfter(5);

    // Assess
    const escalations = (await mailboxOf(rt.url)).filter((m) => m.subject.startsWith('Escalated'));
    expect(escalations.map((m) => [m.destination.to[0], m.subject])).toEqual([
      ['ben@example.com', 'Escalated: Late Call is waiting (call not done within 15 business minutes)'],
      ['alex@example.com', 'Escalated: Late Call is waiting (call not done within 15 business minutes)'],
    ]);
    const lateView = await leadOf(rt.url, late.leadId);
    const quickView = await leadOf(rt.url, quick.leadId);
    expect(lateView.lead.owner).toBe('ana@example.com');
    expect(quickView.lead.owner).toBe('ben@example.com');
    const events = (view: typeof lateView) =>
      view.events
        .filter((e) => e.kind === 'sla-escalated')
        .map((e) => [
          (e.detail as Record<string, unknown>)?.level,
          (e.detail as Record<string, unknown>)?.to,
        ]);
    expect(events(lateView)).toEqual([
      [1, 'ben@example.com'],
      [2, 'alex@example.com'],
    ]);
    expect(events(quickView)).toEqual([]);
  });
});
