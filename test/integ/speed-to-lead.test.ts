import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../functions/core/report.ts';
import {
  enroll,
  getJson,
  ManualClock,
  mailboxOf,
  startTestRuntime,
  T0,
  type TestRuntime,
} from './harness.ts';

/*
 * Issue #15, speed to lead end to end on the local runtime (IAM enforced): a form lead gets web-inquiry's immediate
 * reply, the rep's call task is emailed a day later, the rep clicks "Done" in that email, and GET /api/report times
 * both from the lead's arrival.
 */

const HOUR = 3_600_000;

describe('speed to lead on the local runtime', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('times the first touch and the rep’s call marked done from the task email, once', async () => {
    // Prepare: a lead arrives; its instant reply goes out, and its call task a day later.
    const rt: TestRuntime = await startTestRuntime({ clock: new ManualClock(T0) });
    cleanup.push(() => rt.stop());
    await enroll(rt.url, { email: 'quick.answer@example.com', name: 'Quick Answer', cadence: 'web-inquiry' });
    await rt.advanceTo(new Date(T0.getTime() + 25 * HOUR));
    const task = (await mailboxOf(rt.url)).find((m) => m.text?.includes('/o/'));
    const done = /Done: (\S+)/.exec(task?.text ?? '')?.[1];
    expect(done).toBeDefined();

    // Act: two hours after the call was due the rep clicks Done, confirms, and (a double click) confirms again.
    await rt.advanceTo(new Date(T0.getTime() + 27 * HOUR));
    const confirm = await fetch(done ?? '');
    const recorded = await fetch(done ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'note=called%2C+voicemail',
    });
    const again = await fetch(done ?? '', { method: 'POST', body: '' });
    const report = await getJson<Report>(`${rt.url}/api/report`);

    // Assess
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Record <strong>Done</strong>');
    expect(recorded.status).toBe(200);
    expect(await recorded.text()).toContain('the lead is now active');
    expect(await again.text()).toContain('Already recorded');
    expect(report.speedToLead.firstTouch).toMatchObject({
      leads: 1,
      p50: { label: '≤ 1 min' },
      withinHourRate: 1,
    });
    expect(report.speedToLead.humanTouch).toMatchObject({ leads: 1, p50: { label: '≤ 3 d' } });
    expect(report.speedToLead.humanTouch.histogram.map((b) => b.leads)).toEqual([0, 0, 0, 0, 0, 0, 1, 0]);
    expect(report.speedToLead.byCadence.map((c) => c.cadence)).toEqual(['web-inquiry']);
    expect(report.cadences.map((c) => c.cadence)).toEqual(['web-inquiry']);
  });
});
