import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadIdFor } from '../../functions/domain/lead.ts';
import { signToken } from '../../functions/domain/tokens.ts';
import { mimeMessage, sesReceiptEvent } from '../../local/signal-events.ts';
import {
  enroll,
  type LeadApiView,
  leadOf,
  mailboxOf,
  startTestRuntime,
  T0,
  type TestRuntime,
  tempDir,
  useEngine,
} from './harness.ts';

/*
 * Replies read and acted on (#14), end to end on the local runtime under the deployed IAM: each row of the issue's
 * table as `POST /api/leads/:id/signals` with the reply's words (email, and SMS where it differs), what the lead
 * became, what runs next, what the owner was told, and a correction through the forward's signed link.
 */

const shared = useEngine();
/** The engine the helpers talk to: the shared one, or a test's own (another project's config). */
let own: TestRuntime | undefined;
const engine = () => own ?? shared();

const ROOT = new URL('../..', import.meta.url).pathname;

/** A copy of this project whose config names a referral cadence (the shipped one names none). */
function projectReferringTo(cadenceId: string): { path: string; remove: () => void } {
  const dir = tempDir('followup-referrals-');
  for (const folder of ['cadences', 'templates'])
    cpSync(join(ROOT, folder), join(dir.path, folder), { recursive: true });
  const config = JSON.parse(readFileSync(join(ROOT, 'followup.config.json'), 'utf8'));
  config.replies = { ...config.replies, referralCadence: cadenceId };
  writeFileSync(join(dir.path, 'followup.config.json'), JSON.stringify(config, null, 2));
  return dir;
}

async function signal(leadId: string, body: Record<string, unknown>) {
  const response = await fetch(`${engine().url}/api/leads/${leadId}/signals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { ok: true; status: string };
}

const reply = (leadId: string, text: string) => signal(leadId, { type: 'reply', text });
const text = (leadId: string, body: string) => signal(leadId, { type: 'sms', text: body });

async function signUp(email: string, extra: Record<string, unknown> = {}) {
  const answer = await enroll(engine().url, { email, name: 'Jordan Alvarez', ...extra });
  await engine().settle();
  return answer.leadId;
}

const withPhone = {
  phone: '(312) 555-0142',
  smsConsent: true,
  consentText: 'Yes, text me. Reply STOP to opt out.',
};

const view = (leadId: string) => leadOf(engine().url, leadId);
const running = (v: LeadApiView) =>
  engine()
    .runtime.sfn.list()
    .filter((e) => e.status === 'RUNNING' && e.name.includes(v.lead.leadId))
    .map((e) => e.name);
const enrollmentIn = (v: LeadApiView, cadenceId: string) =>
  v.enrollments.find((e) => e.cadenceId === cadenceId) as
    | (LeadApiView['enrollments'][number] & {
        enrolledAt: string;
      })
    | undefined;
const readingOf = (v: LeadApiView) => v.lead.reading as { label: string; cue: string; confidence: number };

/** The owner's forward of the lead's latest answer. */
async function forwardOf(subject: RegExp) {
  const mail = (await mailboxOf(engine().url)).filter((m) => subject.test(m.subject));
  const last = mail.at(-1);
  if (!last) throw new Error(`no forward matching ${subject}`);
  return last;
}

describe('replies: the done-when', () => {
  it('"Not right now - try me again in March." leaves the lead snoozed with a re-engage enrollment starting in March', async () => {
    // Prepare
    const leadId = await signUp('march@example.com');

    // Act
    const answer = await reply(leadId, 'Not right now - try me again in March.');

    // Assess
    expect(answer.status).toBe('snoozed');
    const v = await view(leadId);
    expect(v.lead.snoozedUntil).toBe('2027-03-01T15:00:00Z'); // 09:00 in Chicago on 1 March 2027
    const reengage = enrollmentIn(v, 're-engage');
    expect(reengage?.enrolledAt).toBe('2027-03-01T15:00:00Z');
    expect(running(v)).toEqual([reengage?.enrollmentId]);
    expect(v.schedule.filter((s) => s.cadenceId === 're-engage')[0]?.at.slice(0, 7)).toBe('2027-03');
    expect(readingOf(v)).toMatchObject({ label: 'not-now', cue: 'Not right now' });
    const forward = await forwardOf(/^Reply from Jordan Alvarez/);
    expect(forward.text).toContain('Read as: not now, until Mon 1 Mar 2027: re-engage starts then');
    // The dashboard lists today's readings by label, and the lead page shows the reading
    const notNow = await (await fetch(`${engine().url}/?reading=not-now`)).text();
    const no = await (await fetch(`${engine().url}/?reading=no`)).text();
    const page = await (await fetch(`${engine().url}/leads/${leadId}`)).text();
    expect(notNow).toContain('<span class="reading">not-now</span>');
    expect(no).not.toContain('<span class="reading">');
    expect(no).toContain('No reply on this page was read as “no” today.');
    expect(page).toContain('Reply read as');
  });
});

describe('replies: one row of the table each', () => {
  it('interested: replied, the cadence stops and the owner is told at once', async () => {
    const leadId = await signUp('yes@example.com');

    expect((await reply(leadId, 'Yes, this looks great - send me more info.')).status).toBe('replied');

    const v = await view(leadId);
    expect(running(v)).toEqual([]);
    const forward = await forwardOf(/^Reply from Jordan Alvarez/);
    expect(forward.destination.to).toEqual([engine().runtime.config.owner.email]);
    expect(forward.text).toContain('Read as: interested');
  });

  it('meeting: a time accepted marks the lead meeting', async () => {
    const leadId = await signUp('tuesday@example.com');

    expect((await reply(leadId, 'Tuesday at 10am works for me.')).status).toBe('meeting');

    expect(running(await view(leadId))).toEqual([]);
  });

  it('not now without a time: snoozed for replies.snoozeDays (90), then re-engage', async () => {
    const leadId = await signUp('busy@example.com');

    expect((await reply(leadId, "Not right now, we're too busy.")).status).toBe('snoozed');

    const v = await view(leadId);
    // T0 is 7 April 2026; 90 days on is Monday 6 July, 09:00 in Chicago (CDT)
    expect(v.lead.snoozedUntil).toBe('2026-07-06T14:00:00Z');
    expect(enrollmentIn(v, 're-engage')?.enrolledAt).toBe('2026-07-06T14:00:00Z');
  });

  it('no: lost, no more follow-up and no nurture', async () => {
    const leadId = await signUp('no@example.com');

    expect((await reply(leadId, 'Not interested, we went with another vendor.')).status).toBe('lost');

    const v = await view(leadId);
    expect(v.lead.lostReason).toBe('not-interested');
    expect(running(v)).toEqual([]);
    await engine().advanceTo(new Date(T0.getTime() + 60 * 86_400_000));
    const later = await view(leadId);
    expect(later.lead.status).toBe('lost');
    expect(later.enrollments.map((e) => e.cadenceId)).toEqual(['web-inquiry']);
  });

  it('referral with an address, and no referral cadence configured (the shipped default): referred, nobody new written to, the owner told to add them', async () => {
    const leadId = await signUp('referrer@example.com');

    const answer = await reply(leadId, 'Please talk to maria.lopez@acme.example, she handles this.');

    expect(answer.status).toBe('referred');
    const listed = (await (await fetch(`${engine().url}/api/leads`)).json()) as { leads: unknown[] };
    expect(listed.leads).toHaveLength(1);
    expect(running(await view(leadId))).toEqual([]);
    const forward = await forwardOf(/^Reply from Jordan Alvarez/);
    expect(forward.text).toContain('Read as: referral to maria.lopez@acme.example: add them yourself');
  });

  it('referral with an address and replies.referralCadence set: the person a lead of their own in that cadence, the owner told', async () => {
    // Prepare: a project whose config names the cadence referred people get (a copy: no lib/ to take IAM from)
    const project = projectReferringTo('web-inquiry');
    own = await startTestRuntime({ iam: 'off', root: project.path });
    try {
      const leadId = await signUp('referrer@example.com');

      // Act
      const answer = await reply(leadId, 'Please talk to maria.lopez@acme.example, she handles this.');

      // Assess
      expect(answer.status).toBe('referred');
      const maria = await view(leadIdFor('maria.lopez@acme.example'));
      expect(maria.lead).toMatchObject({ source: 'referral', referredBy: leadId, status: 'active' });
      expect(maria.enrollments.map((e) => e.cadenceId)).toEqual(['web-inquiry']);
      expect(running(await view(leadId))).toEqual([]);
      const forward = await forwardOf(/^Reply from Jordan Alvarez/);
      expect(forward.text).toContain(
        'Read as: referral to maria.lopez@acme.example: added as a lead and enrolled in web-inquiry',
      );
    } finally {
      await own.stop();
      own = undefined;
      project.remove();
    }
  });

  it('referral naming no address: referred, no new lead, the owner told to add them', async () => {
    const leadId = await signUp('priya-referrer@example.com');

    expect((await reply(leadId, "I'm forwarding this to Priya.")).status).toBe('referred');

    const listed = (await (await fetch(`${engine().url}/api/leads`)).json()) as { leads: unknown[] };
    expect(listed.leads).toHaveLength(1);
    const forward = await forwardOf(/^Reply from Jordan Alvarez/);
    expect(forward.text).toContain('Read as: referral to Priya, with no address: add them yourself');
  });

  it('wrong person and left the company: lost, with that reason', async () => {
    const wrong = await signUp('wrong@example.com');
    const left = await signUp('left@example.com');

    expect((await reply(wrong, 'You have the wrong person, sorry.')).status).toBe('lost');
    expect((await reply(left, 'I left the company last month.')).status).toBe('lost');

    expect((await view(wrong)).lead.lostReason).toBe('wrong-person');
    expect((await view(left)).lead.lostReason).toBe('left-company');
  });

  it('unsubscribe in words: unsubscribed and suppressed, as the opt-out path does', async () => {
    const leadId = await signUp('remove@example.com');

    expect((await reply(leadId, 'Please remove me from your list.')).status).toBe('unsubscribed');

    // Suppressed: signing up again enrolls nothing
    const again = await enroll(engine().url, { email: 'remove@example.com' });
    expect(again.enrollment).toMatchObject({ status: 'not-enrolled', reason: 'suppressed' });
  });

  it('out of office with a return date: not a reply; snoozed to the return date', async () => {
    const leadId = await signUp('away@example.com');

    const answer = await reply(leadId, "I'm out of the office until April 20 with limited access to email.");

    expect(answer.status).toBe('snoozed');
    const v = await view(leadId);
    expect(v.lead.snoozedUntil).toBe('2026-04-20T14:00:00Z');
    expect(enrollmentIn(v, 're-engage')?.enrolledAt).toBe('2026-04-20T14:00:00Z');
    expect((await mailboxOf(engine().url)).filter((m) => /^Reply from/.test(m.subject))).toEqual([]);
  });

  it('out of office without a date: not a reply; the cadence continues', async () => {
    const leadId = await signUp('ooo@example.com');

    expect((await reply(leadId, "I'm out of the office this week.")).status).toBe('active');

    const v = await view(leadId);
    expect(running(v)).toHaveLength(1);
    expect(readingOf(v).label).toBe('out-of-office');
  });

  it('unsure: replied, as today: a person decides', async () => {
    const leadId = await signUp('hmm@example.com');

    expect((await reply(leadId, 'Hmm.')).status).toBe('replied');

    const forward = await forwardOf(/^Reply from Jordan Alvarez/);
    expect(forward.text).toContain('Read as: unsure: a person decides');
  });
});

describe('replies by text', () => {
  it('a text read as not-now snoozes into re-engage in March', async () => {
    const leadId = await signUp('text-march@example.com', withPhone);

    expect((await text(leadId, 'not now, try me in march')).status).toBe('snoozed');

    const v = await view(leadId);
    expect(enrollmentIn(v, 're-engage')?.enrolledAt).toBe('2027-03-01T15:00:00Z');
    const forward = await forwardOf(/^Text from Jordan Alvarez/);
    expect(forward.text).toContain('Read as: not now, until Mon 1 Mar 2027');
  });

  it('a text read as no: lost', async () => {
    const leadId = await signUp('text-no@example.com', withPhone);

    expect((await text(leadId, 'not interested thanks')).status).toBe('lost');
  });
});

describe('replies: once, and correctable', () => {
  it('the same reply delivered twice does nothing the second time', async () => {
    const leadId = await signUp('twice@example.com');
    const { runtime } = engine();
    const to = `reply+${signToken(leadId, runtime.signingKey)}@${runtime.config.replyDomain}`;
    const at = runtime.clock.now();
    runtime.rawMail.put(
      'twice-1',
      mimeMessage({
        from: 'twice@example.com',
        to,
        subject: 'Re: your note',
        text: 'Not right now - try me again in March.',
        date: at,
        messageId: 'twice-1',
      }),
    );

    const first = await runtime.signals.inboundEmail(sesReceiptEvent('twice-1', [to], at));
    const second = await runtime.signals.inboundEmail(sesReceiptEvent('twice-1', [to], at));

    expect(first).toMatchObject([{ kind: 'reply', outcome: 'applied', reading: 'not-now' }]);
    expect(second).toMatchObject([{ kind: 'reply', outcome: 'duplicate' }]);
    const v = await view(leadId);
    expect(v.enrollments.filter((e) => e.cadenceId === 're-engage')).toHaveLength(1);
    expect((await mailboxOf(runtime.url ?? '')).filter((m) => /^Reply from/.test(m.subject))).toHaveLength(1);
  });

  it("a correction through the forward's signed link re-applies the right outcome once, recorded as an event", async () => {
    const leadId = await signUp('misread@example.com');
    expect((await reply(leadId, 'Not right now - try me again in March.')).status).toBe('snoozed');
    const forward = await forwardOf(/^Reply from Jordan Alvarez/);
    const link = /Lost: (\S+\/o\/\S+)/.exec(forward.text ?? '')?.[1];
    expect(link).toBeDefined();
    const url = `${engine().url}${new URL(link ?? '').pathname}`;

    const confirm = await fetch(url);
    const recorded = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    const again = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });

    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Correct the reading of their reply');
    expect(recorded.status).toBe(200);
    expect(await again.text()).toContain('Already recorded');
    const v = await view(leadId);
    expect(v.lead.status).toBe('lost');
    expect(running(v)).toEqual([]);
    expect(readingOf(v)).toMatchObject({ label: 'no', confidence: 1 });
    const corrections = v.events.filter((e) => e.kind === 'outcome' && e.source === 'reading-correction');
    expect(corrections).toHaveLength(1);
    expect(corrections[0]?.detail).toMatchObject({
      result: 'lost',
      corrects: expect.stringMatching(/^email:/),
    });
  });
});
