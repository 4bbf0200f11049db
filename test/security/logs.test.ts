import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  enroll,
  header,
  leadOf,
  mailboxOf,
  postLeadJson,
  smsOf,
  startTestRuntime,
  type TestRuntime,
} from '../integ/harness.ts';

/*
 * docs/architecture.md §8.10 "No PII in logs": a whole story on the local runtime — signups with email, phone and
 * name, email, call and SMS touches, a rep's outcome link, a reply, an unsubscribe, a bounce, a STOP, a purchase, a
 * bad form post — with every line the process writes captured (stdout, stderr, console, the engine's JSON logs at
 * INFO). Not one may carry an email address or a phone number.
 */

const JORDAN = {
  email: 'jordan.alvarez@example.com',
  name: 'Jordan Alvarez',
  company: 'Alvarez Landscaping',
  phone: '(312) 555-0142',
  smsConsent: true,
  consentText: 'Yes, text me about my inquiry. Reply STOP to opt out.',
  note: 'Call me on 312.555.0142 after 5, or write to jordan.personal@example.org',
};
const PRIYA = { email: 'priya.natarajan@example.com', name: 'Priya Natarajan', phone: '+44 20 7946 0958' };
const BOUNCER = { email: 'no.such.box@example.net', name: 'Nobody Here' };
const TEXTER = {
  email: 'tex.ter@example.com',
  name: 'Tex Ter',
  phone: '(415) 555-0199',
  smsConsent: true,
  consentText: 'Texts OK',
};

/** Addresses and numbers in any spelling the engine might write them. */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
const PHONE = /\+[1-9]\d{7,14}\b|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b/;
const DIGITS = ['3125550142', '4155550199', '2079460958'];

let engine: TestRuntime;
let written: string[];
const restore: (() => void)[] = [];

/** Keeps every write to stdout and stderr (console and loggers end there) instead of printing it. */
function capture(stream: NodeJS.WriteStream) {
  const original = stream.write.bind(stream);
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof stream.write;
  restore.push(() => {
    stream.write = original as typeof stream.write;
  });
}

/** Vitest routes the global console around process.stdout: keep what it is given too. */
function captureConsole() {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      written.push(`${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}\n`);
    };
    restore.push(() => {
      console[method] = original;
    });
  }
}

beforeEach(async () => {
  written = [];
  capture(process.stdout);
  capture(process.stderr);
  captureConsole();
  engine = await startTestRuntime();
});

afterEach(async () => {
  await engine.stop();
  for (const undo of restore.splice(0)) undo();
});

const signal = (leadId: string, body: Record<string, unknown>) =>
  fetch(`${engine.url}/api/leads/${leadId}/signals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: await r.json() }));

describe('the logs of a whole story', () => {
  it('name no email address and no phone number', async () => {
    // Act: a lead with every field, through email, call, email and SMS touches
    const jordan = await enroll(engine.url, JORDAN);
    const textOffer = jordan.enrollment.schedule.find((s) => s.channel === 'sms');
    await engine.advanceTo(textOffer?.at ?? '');
    const view = await leadOf(engine.url, jordan.leadId);
    expect(view.touches.map((t) => [t.channel, t.status])).toEqual([
      ['email', 'sent'],
      ['call', 'sent'],
      ['email', 'sent'],
      ['sms', 'sent'],
    ]);
    expect((await smsOf(engine.url)).length).toBe(1);

    // Act: the rep books a meeting from the task email's one-click link, then the lead replies
    const mail = await mailboxOf(engine.url);
    const task = mail.find((m) => m.destination.to.includes(engine.runtime.config.owner.email));
    const meeting = /(http:\/\/127\.0\.0\.1:\d+\/o\/[^\s]+\.meeting\.[^\s]+)/.exec(task?.text ?? '')?.[1];
    expect(meeting).toBeDefined();
    const booked = await fetch(meeting as string, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'note=Booked+for+Tuesday',
    });
    expect(booked.status).toBe(200);
    expect((await signal(jordan.leadId, { type: 'reply', text: JORDAN.note })).status).toBe(200);

    // Act: another unsubscribes with the one-click header of their first email
    const priya = await enroll(engine.url, PRIYA);
    await engine.settle();
    const first = (await mailboxOf(engine.url)).find((m) => m.destination.to.includes(PRIYA.email));
    const unsubscribe = /<([^>]+)>/.exec(header(first as never, 'List-Unsubscribe') ?? '')?.[1];
    const unsubscribed = await fetch(unsubscribe as string, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribed.status).toBe(200);
    expect((await leadOf(engine.url, priya.leadId)).lead.status).toBe('unsubscribed');

    // Act: a bounce, a STOP, a purchase, and a form post with bad fields
    const bouncer = await enroll(engine.url, BOUNCER);
    await engine.settle();
    expect((await signal(bouncer.leadId, { type: 'bounce' })).body).toMatchObject({ status: 'bounced' });
    const texter = await enroll(engine.url, TEXTER);
    await engine.settle();
    expect((await signal(texter.leadId, { type: 'sms', text: 'STOP' })).status).toBe(200);
    expect((await signal(texter.leadId, { type: 'purchase', value: 90 })).body).toMatchObject({
      status: 'won',
    });
    const bad = await postLeadJson(engine.url, {
      email: 'not an address jordan.alvarez@example.com',
      phone: '555-0142 ext 9',
      name: 'x'.repeat(300),
    });
    expect(bad.status).toBe(400);
    await engine.settle();

    // Assess: the engine did log (the capture works), and no line names a person
    const lines = written.join('').split('\n');
    expect(lines.filter((l) => l.includes('"message":"touch-sent"')).length).toBeGreaterThanOrEqual(6);
    const leaks = lines.filter(
      (line) =>
        EMAIL.test(line) ||
        PHONE.test(line) ||
        DIGITS.some((d) => line.replace(/\D/g, '').includes(d)) ||
        [JORDAN, PRIYA, BOUNCER, TEXTER].some((lead) => line.includes(lead.name)),
    );
    expect(leaks, `log lines with personal data:\n${leaks.join('\n')}`).toEqual([]);
  }, 60_000);
});
