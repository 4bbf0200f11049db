import { describe, expect, it } from 'vitest';
import { enroll, header, leadOf, mailboxOf, postLeadJson, T0, useEngine } from './harness.ts';

/* POST /leads on the local runtime, as a JSON client and as a browser form, and what the lead sees next. */

const engine = useEngine();

const SAM = { email: 'sam.lee@example.com', name: 'Sam Lee', company: 'Northwind Traders' };

/** The `<div class="field">` of the page that holds the input with this id. */
function fieldBlock(page: string, inputId: string): string {
  const block = page.split('<div class="field').find((part) => part.includes(`id="${inputId}"`));
  if (!block) throw new Error(`no field with an input #${inputId} on the page`);
  return block;
}

/** The attributes of the `<input>` with this id. */
function inputTag(page: string, inputId: string): string {
  const tag = new RegExp(`<input[^>]*\\bid="${inputId}"[^>]*>`).exec(page)?.[0];
  if (!tag) throw new Error(`no <input id="${inputId}"> on the page`);
  return tag;
}

const formPost = (url: string, fields: Record<string, string>) =>
  fetch(`${url}/leads`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      origin: url,
      referer: `${url}/form`,
    },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });

describe('POST /leads as JSON', () => {
  it('answers 202 with the lead and its enrollment, shows them at /api/leads/:id, and sends the first email', async () => {
    // Prepare
    const { url } = engine();

    // Act
    const { status, body } = await postLeadJson(url, SAM);
    await engine().settle();

    // Assess: the answer
    expect(status).toBe(202);
    expect(body.leadId).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(body.enrollment).toMatchObject({ status: 'started', cadence: 'web-inquiry' });
    expect(body.enrollment.id).toEqual(expect.any(String));
    expect(body.enrollment.schedule.length).toBeGreaterThan(1);

    // Assess: the lead as the API shows it
    const view = await leadOf(url, body.leadId);
    expect(view.lead).toMatchObject({
      leadId: body.leadId,
      email: SAM.email,
      name: SAM.name,
      status: 'active',
    });
    expect(view.enrollments).toEqual([
      expect.objectContaining({
        enrollmentId: body.enrollment.id,
        cadenceId: 'web-inquiry',
        status: 'started',
      }),
    ]);
    expect(view.schedule.map(({ step, channel, template, at }) => ({ step, channel, template, at }))).toEqual(
      body.enrollment.schedule,
    );
    expect(Date.parse(view.schedule[0]?.at ?? '')).toBe(T0.getTime());

    // Assess: the first email, in the mailbox, with what the rules require of every marketing email
    const mail = (await mailboxOf(url)).filter((m) => m.destination.to.includes(SAM.email));
    expect(mail).toHaveLength(1);
    const [first] = mail as [(typeof mail)[number]];
    expect(header(first, 'List-Unsubscribe')).toMatch(
      /^<(https:\/\/[^/>]+|http:\/\/127\.0\.0\.1:\d+)(\/[^>]*)?\/u\/[^/>]+>$/,
    );
    // Locally the one-click link goes to this runtime; on AWS it is the https API.
    expect(header(first, 'List-Unsubscribe')?.startsWith(`<${url}/u/`)).toBe(true);
    expect(header(first, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const { replyDomain, business } = engine().runtime.config;
    const [replyTo] = first.replyTo;
    expect(first.replyTo).toHaveLength(1);
    expect(replyTo?.startsWith('reply+')).toBe(true);
    expect(replyTo?.endsWith(`@${replyDomain}`)).toBe(true);
    expect(replyTo?.slice('reply+'.length, -`@${replyDomain}`.length)).toMatch(/^[A-Za-z0-9._-]{16,}$/);
    expect(first.text).toContain('Hi Sam,');
    expect(first.text).toContain('Northwind Traders');
    const address = business.postalAddress.trim().replace(/\s*\n\s*/g, ', ');
    expect(address).not.toBe('');
    expect(first.text).toContain(address);
    expect(first.html).toContain(address);
    expect(view.touches).toEqual([
      expect.objectContaining({ step: 'instant-reply', status: 'sent', enrollmentId: body.enrollment.id }),
    ]);
  });

  it('answers 400 naming each bad field, and keeps nothing', async () => {
    // Prepare
    const { url, runtime } = engine();

    // Act
    const { status, body } = await postLeadJson(url, { email: 'not-an-email', phone: '12' });

    // Assess
    expect(status).toBe(400);
    expect(body).toMatchObject({
      errors: { email: expect.stringContaining('not an email'), phone: expect.stringContaining('phone') },
    });
    expect(runtime.sfn.list()).toEqual([]);
    expect(await mailboxOf(url)).toEqual([]);
  });
});

describe('POST /leads from an HTML form', () => {
  it('redirects a good post to /thanks with 303', async () => {
    // Prepare
    const { url } = engine();

    // Act
    const response = await formPost(url, { ...SAM, timezone: 'America/New_York', website: '' });

    // Assess
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/thanks');
    const leads = (await (await fetch(`${url}/api/leads`)).json()) as {
      leads: { email: string; zone?: string }[];
    };
    expect(leads.leads).toEqual([expect.objectContaining({ email: SAM.email, zone: 'America/New_York' })]);
  });

  it('re-renders a bad post as the form: 400, the error beside its field, what was typed kept', async () => {
    // Prepare
    const { url, runtime } = engine();

    // Act
    const response = await formPost(url, {
      email: 'sam at example',
      name: 'Sam "Quotes" <Lee>',
      company: SAM.company,
      cadence: 'web-inquiry',
    });
    const page = await response.text();

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const email = fieldBlock(page, 'f-email');
    expect(email).toMatch(/class="field-error"[^>]*>Email is not an email address/);
    expect(inputTag(page, 'f-email')).toContain('value="sam at example"');
    expect(inputTag(page, 'f-email')).toContain('aria-invalid="true"');
    expect(inputTag(page, 'f-name')).toContain('value="Sam &quot;Quotes&quot; &lt;Lee&gt;"');
    expect(inputTag(page, 'f-company')).toContain(`value="${SAM.company}"`);
    expect(fieldBlock(page, 'f-name')).not.toContain('field-error');
    expect(page).not.toMatch(/at .*\.ts:\d+/);
    expect(runtime.sfn.list()).toEqual([]);
  });
});

describe('duplicates', () => {
  it('a second post of the same lead starts nothing new: one execution, the same enrollment', async () => {
    // Prepare
    const { url, runtime } = engine();
    const first = await enroll(url, SAM);
    await engine().advanceTo(new Date(T0.getTime() + 10 * 60_000));

    // Act
    const again = await enroll(url, { ...SAM, email: ' Sam.Lee@Example.com ', note: 'Did you get my form?' });
    await engine().settle();

    // Assess
    expect(again.leadId).toBe(first.leadId);
    expect(again.enrollment).toMatchObject({ status: 'existing', id: first.enrollment.id });
    const executions = runtime.sfn.list().filter((r) => JSON.parse(r.input).leadId === first.leadId);
    expect(executions.map((r) => r.name)).toEqual([first.enrollment.id]);
    const view = await leadOf(url, first.leadId);
    expect(view.enrollments).toHaveLength(1);
    expect(view.touches.filter((t) => t.step === 'instant-reply')).toHaveLength(1);
    expect((await mailboxOf(url)).filter((m) => m.destination.to.includes(SAM.email))).toHaveLength(1);
  });

  it('concurrent posts of the same lead make one lead, one enrollment, one execution, one first email', async () => {
    // Prepare
    const { url, runtime } = engine();

    // Act
    const answers = await Promise.all([1, 2, 3, 4].map(() => postLeadJson(url, SAM)));
    await engine().settle();

    // Assess
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
    const ids = new Set(answers.map((a) => a.body.enrollment.id));
    expect(ids.size).toBe(1);
    const leadId = answers[0]?.body.leadId as string;
    expect(runtime.sfn.list().filter((r) => JSON.parse(r.input).leadId === leadId)).toHaveLength(1);
    expect((await leadOf(url, leadId)).enrollments).toHaveLength(1);
    expect((await mailboxOf(url)).filter((m) => m.destination.to.includes(SAM.email))).toHaveLength(1);
  });
});
