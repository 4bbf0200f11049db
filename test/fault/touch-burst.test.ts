import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TASK_CONCURRENCY } from '../../local/runtime.ts';
import type { LocalFunction } from '../../local/step-functions.ts';
import {
  enroll,
  leadOf,
  mailboxOf,
  showLogsOnFailure,
  startTestRuntime,
  T0,
  type TestRuntime,
} from '../integ/harness.ts';

/*
 * Many touches due at one instant on the local runtime: they take turns (the runtime runs a few at once), so its
 * own SES emulator always answers and no touch ends `unconfirmed` for want of an answer.
 */

const LEADS = 60;
const DAY = 86_400_000;

let engine: TestRuntime;
beforeEach(async ({ onTestFailed }) => {
  showLogsOnFailure(onTestFailed);
  engine = await startTestRuntime();
});
afterEach(async () => {
  await engine.stop();
});

describe(`${LEADS} touches due at the same instant`, () => {
  it('are each sent exactly once and none is left unconfirmed', { timeout: 120_000 }, async () => {
    // Prepare: 60 signups at one virtual instant, so their instant replies, and then their next-day calls, are due together
    const functions = engine.runtime.functions as Map<string, LocalFunction>;
    const touch = functions.get('touch') as LocalFunction;
    let running = 0;
    let peak = 0;
    functions.set('touch', async (payload) => {
      running++;
      peak = Math.max(peak, running);
      try {
        return await touch(payload);
      } finally {
        running--;
      }
    });
    const emails = Array.from({ length: LEADS }, (_, i) => `burst.${i}@example.com`);
    const leads = await Promise.all(
      emails.map((email, i) => enroll(engine.url, { email, name: `Lead ${i}` })),
    );
    await engine.settle();

    // Act: the first-call touches, all due 24 hours later
    await engine.advanceTo(new Date(T0.getTime() + DAY + 60_000));

    // Assess: the emulators never saw more than the runtime's limit of touches at once
    expect(peak).toBe(DEFAULT_TASK_CONCURRENCY);
    // every touch so far sent, none unconfirmed
    const views = await Promise.all(leads.map(({ leadId }) => leadOf(engine.url, leadId)));
    const touches = views.flatMap((v) => v.touches);
    expect(touches.filter((t) => t.status !== 'sent')).toEqual([]);
    expect(touches.map((t) => t.step).sort()).toEqual(
      [...Array(LEADS).fill('first-call'), ...Array(LEADS).fill('instant-reply')].sort(),
    );
    // One instant reply in each lead's inbox, one task email to the owner per lead
    const mailbox = await mailboxOf(engine.url);
    for (const email of emails) {
      expect(mailbox.filter((m) => m.destination.to.includes(email))).toHaveLength(1);
    }
    const owner = engine.runtime.config.owner.email;
    expect(mailbox.filter((m) => m.destination.to.includes(owner))).toHaveLength(LEADS);
  });
});
