import { describe, expect, it } from 'vitest';
import {
  enroll,
  justBefore,
  leadOf,
  mailboxOf,
  type ScheduledTouch,
  smsOf,
  type TestRuntime,
  useEngine,
} from './harness.ts';

/* A lead's cadence as virtual time passes: each touch at its instant, SMS consent, tasks, and the move to nurture. */

const engine = useEngine();

const SAM = { email: 'sam.lee@example.com', name: 'Sam Lee', company: 'Northwind Traders' };
const PHONE = '(312) 555-0142';
const PHONE_E164 = '+13125550142';
const CONSENT =
  'Yes, text me about my inquiry. Msg & data rates may apply. Reply STOP to opt out, HELP for help. Consent is not a condition of purchase.';

const same = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && Date.parse(a) === Date.parse(b);

/** The "Tasks for reps" section of the dashboard. */
async function dashboardTasks(url: string): Promise<string> {
  const page = await (await fetch(`${url}/`)).text();
  const start = page.indexOf('id="tasks-h"');
  if (start < 0) throw new Error('the dashboard has no "Tasks for reps" section');
  return page.slice(start, page.indexOf('</section>', start));
}

async function touchOf(url: string, leadId: string, step: string) {
  return (await leadOf(url, leadId)).touches.filter((t) => t.step === step);
}

async function lastStep(rt: TestRuntime, leadId: string): Promise<ScheduledTouch> {
  const last = (await leadOf(rt.url, leadId)).schedule.at(-1);
  if (!last) throw new Error('no schedule');
  return last;
}

describe('time passes', () => {
  it('each touch happens at its scheduled instant, not before: emails, skipped texts and call tasks', async () => {
    // Prepare
    const rt = engine();
    const { leadId, enrollment } = await enroll(rt.url, SAM);
    const steps = rt.runtime.cadences.find((c) => c.id === 'web-inquiry')?.steps ?? [];
    expect(enrollment.schedule.map((s) => s.step)).toEqual(steps.map((s) => s.id));
    const channels = new Set(enrollment.schedule.map((s) => s.channel));
    expect(channels).toEqual(new Set(['email', 'call', 'sms']));

    let emailsToLead = 0;
    for (const step of enrollment.schedule) {
      // Act: up to a millisecond before the touch (the first is due the moment the lead arrives)
      if (Date.parse(step.at) > rt.clock.now().getTime()) {
        await rt.advanceTo(justBefore(step.at));

        // Assess: nothing yet
        expect(await touchOf(rt.url, leadId, step.step), `${step.step} before its time`).toEqual([]);
      }

      // Act: its instant
      await rt.advanceTo(step.at);

      // Assess: done once, at the schedule's instant
      const touches = await touchOf(rt.url, leadId, step.step);
      expect(touches, step.step).toHaveLength(1);
      const [touch] = touches as [(typeof touches)[number]];
      expect(same(touch.at, step.at), `${step.step} at ${touch.at}, scheduled ${step.at}`).toBe(true);
      const mail = await mailboxOf(rt.url);
      switch (step.channel) {
        case 'email':
          emailsToLead++;
          expect(touch).toMatchObject({ status: 'sent', channel: 'email' });
          break;
        case 'sms':
          expect(touch).toMatchObject({ status: 'skipped', reason: 'no-phone' });
          break;
        case 'call': {
          expect(touch).toMatchObject({ status: 'sent', channel: 'call' });
          const tasks = await dashboardTasks(rt.url);
          expect(tasks).toContain(SAM.name);
          expect(tasks).toContain(`href="/leads/${leadId}"`);
          expect(
            mail.filter((m) => m.destination.to.includes(rt.runtime.config.owner.email)).at(-1)?.text,
          ).toContain(SAM.name);
          break;
        }
        default:
          throw new Error(`web-inquiry has an unexpected ${step.channel} step`);
      }
      expect(mail.filter((m) => m.destination.to.includes(SAM.email))).toHaveLength(emailsToLead);
    }
    const calls = enrollment.schedule.filter((s) => s.channel === 'call').length;
    expect((await dashboardTasks(rt.url)).match(/<li class="card">/g)).toHaveLength(calls);
  });

  it("the lead's next touch moves on to the following step once a touch is done", async () => {
    // Prepare
    const rt = engine();
    const { leadId, enrollment } = await enroll(rt.url, SAM);
    const [first, second, third] = enrollment.schedule;

    // Act: the first touch goes out at once (a 0-minute wait)
    await rt.settle();

    // Assess
    expect(await touchOf(rt.url, leadId, first?.step ?? '')).toHaveLength(1);
    const afterFirst = (await leadOf(rt.url, leadId)).lead.nextTouchAt as string | undefined;
    expect(same(afterFirst, second?.at), `nextTouchAt ${afterFirst}, expected ${second?.at}`).toBe(true);

    // Act: the second
    await rt.advanceTo(second?.at ?? '');

    // Assess
    const afterSecond = (await leadOf(rt.url, leadId)).lead.nextTouchAt as string | undefined;
    expect(same(afterSecond, third?.at), `nextTouchAt ${afterSecond}, expected ${third?.at}`).toBe(true);
  });
});

describe('SMS consent', () => {
  it('without consent an SMS step is skipped (no-sms-consent) and no text goes out', async () => {
    // Prepare
    const rt = engine();
    const { leadId, enrollment } = await enroll(rt.url, { ...SAM, phone: PHONE });
    const texts = enrollment.schedule.filter((s) => s.channel === 'sms');

    // Act
    await rt.advanceTo(texts.at(-1)?.at ?? '');

    // Assess
    const touches = (await leadOf(rt.url, leadId)).touches.filter((t) => t.channel === 'sms');
    expect(touches.map((t) => ({ step: t.step, status: t.status, reason: t.reason }))).toEqual(
      texts.map((s) => ({ step: s.step, status: 'skipped', reason: 'no-sms-consent' })),
    );
    expect(await smsOf(rt.url)).toEqual([]);
  });

  it('with consent and a phone the texts go out at their instants, the first with how to stop them', async () => {
    // Prepare
    const rt = engine();
    const { leadId, enrollment } = await enroll(rt.url, {
      ...SAM,
      phone: PHONE,
      smsConsent: true,
      consentText: CONSENT,
    });
    const texts = enrollment.schedule.filter((s) => s.channel === 'sms');
    expect(texts.length).toBeGreaterThanOrEqual(2);

    // Act
    await rt.advanceTo(justBefore(texts[0]?.at ?? ''));
    const beforeFirst = await smsOf(rt.url);
    await rt.advanceTo(texts.at(-1)?.at ?? '');

    // Assess
    expect(beforeFirst).toEqual([]);
    const outbox = await smsOf(rt.url);
    expect(outbox).toHaveLength(texts.length);
    outbox.forEach((sms, i) => {
      expect(sms.to).toBe(PHONE_E164);
      expect(same(sms.at, texts[i]?.at), `text ${i} at ${sms.at}, scheduled ${texts[i]?.at}`).toBe(true);
    });
    expect(outbox[0]?.body).toMatch(/^Hi Sam\b/);
    expect(outbox[0]?.body).toMatch(/Reply STOP to opt out\.$/);
    expect(outbox[1]?.body).not.toContain('Reply STOP to opt out.');
    const view = await leadOf(rt.url, leadId);
    expect(view.lead.smsConsent).toMatchObject({ wording: CONSENT });
    expect(view.touches.filter((t) => t.channel === 'sms').map((t) => t.status)).toEqual(
      texts.map(() => 'sent'),
    );
  });
});

describe('the end of a cadence', () => {
  it('moves a lead who never answered to nurture, enrolled in quarterly-nurture, whose note goes out on time', async () => {
    // Prepare
    const rt = engine();
    const { leadId, enrollment } = await enroll(rt.url, SAM);
    const last = await lastStep(rt, leadId);

    // Act: up to just before the last touch
    await rt.advanceTo(justBefore(last.at));

    // Assess: still in its first cadence
    const before = await leadOf(rt.url, leadId);
    expect(before.lead.status).toBe('active');
    expect(before.enrollments.map((e) => e.cadenceId)).toEqual(['web-inquiry']);

    // Act: the last touch, and what follows it
    await rt.advanceTo(last.at);

    // Assess: nurture
    const after = await leadOf(rt.url, leadId);
    expect(after.lead.status).toBe('nurture');
    expect(after.touches.filter((t) => t.cadenceId === 'web-inquiry')).toHaveLength(
      enrollment.schedule.length,
    );
    const nurture = after.enrollments.filter((e) => e.cadenceId === 'quarterly-nurture');
    expect(nurture).toEqual([expect.objectContaining({ status: 'started' })]);
    expect(after.schedule).toEqual([expect.objectContaining({ cadenceId: 'quarterly-nurture' })]);
    const runs = rt.runtime.sfn.list().map((r) => ({ name: r.name, status: r.status }));
    expect(runs).toEqual([
      { name: enrollment.id, status: 'SUCCEEDED' },
      { name: nurture[0]?.enrollmentId, status: 'RUNNING' },
    ]);

    // Act: the quarter passes
    const note = after.schedule[0] as ScheduledTouch;
    const emailsBefore = (await mailboxOf(rt.url)).length;
    await rt.advanceTo(note.at);

    // Assess: the nurture note went out at its instant, and the lead stays in nurture
    const later = await leadOf(rt.url, leadId);
    expect(later.lead.status).toBe('nurture');
    const sent = later.touches.filter((t) => t.cadenceId === 'quarterly-nurture');
    expect(sent).toEqual([expect.objectContaining({ step: note.step, status: 'sent' })]);
    expect(same(sent[0]?.at, note.at)).toBe(true);
    const newMail = (await mailboxOf(rt.url)).slice(emailsBefore);
    expect(newMail.map((m) => m.destination.to)).toEqual([[SAM.email]]);
  });
});
