import { afterEach, describe, expect, it } from 'vitest';
import { enroll, leadOf, ManualClock, mailboxOf, startTestRuntime, type TestRuntime } from './harness.ts';

/*
 * Issue #15, "Done when": a lead posted at 23:30 in its own zone gets its first email within a minute. The shipped
 * web-inquiry answers with "sendWindow": "immediate"; the runtime enforces the deployed IAM.
 */

// Friday 18 December 2026, 23:30 in Chicago (CST, UTC-6).
const ARRIVAL = new Date('2026-12-19T05:30:00Z');

describe('an immediate first touch on the local runtime', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('sends the reply to a lead who writes at 23:30 local within a minute, and keeps the rest in its windows', async () => {
    // Prepare
    const rt: TestRuntime = await startTestRuntime({ clock: new ManualClock(ARRIVAL) });
    cleanup.push(() => rt.stop());

    // Act
    const { leadId, enrollment } = await enroll(rt.url, {
      email: 'night.owl@example.com',
      name: 'Night Owl',
    });
    await rt.advanceTo(new Date(ARRIVAL.getTime() + 60_000));

    // Assess: scheduled at the arrival, and sent within the minute
    const [reply, call] = enrollment.schedule;
    expect(reply?.step).toBe('instant-reply');
    expect(Date.parse(reply?.at ?? '') - ARRIVAL.getTime()).toBeLessThan(60_000);
    const mail = await mailboxOf(rt.url);
    expect(mail.map((m) => m.destination.to)).toEqual([['night.owl@example.com']]);
    expect(Date.parse(mail[0]?.at ?? '') - ARRIVAL.getTime()).toBeLessThan(60_000);
    const touches = (await leadOf(rt.url, leadId)).touches;
    expect(touches.map((t) => [t.step, t.status])).toEqual([['instant-reply', 'sent']]);
    // The rep's call still waits for the window: Monday 09:00 in Chicago.
    expect(call?.at).toBe('2026-12-21T15:00:00Z');
  });
});
