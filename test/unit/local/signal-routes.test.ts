import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../../functions/domain/shop.ts';
import { signToken } from '../../../functions/domain/tokens.ts';
import { type Runtime, startRuntime } from '../../../local/runtime.ts';

/*
 * The local runtime's signal routes (docs/architecture.md §7): each builds the event AWS would send and runs the same
 * handler. One in-memory runtime for the file; each test uses its own lead.
 */

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startRuntime({ port: 0, speed: 1, iam: 'enforce' });
}, 30_000);

afterAll(async () => {
  await runtime?.stop();
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${runtime.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

async function signUp(email: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { text } = await post('/leads', { email, cadence: 'web-inquiry', ...extra });
  return JSON.parse(text).leadId;
}

const executionsOf = (leadId: string) => runtime.sfn.list().filter((e) => e.name.includes(leadId));

describe('local signal routes', () => {
  it('POST /api/leads/:id/signals {"type": "reply"} goes through the inbound-email handler and stops the cadence', async () => {
    // Prepare
    const leadId = await signUp('reply.local@example.com', { name: 'Riley' });

    // Act
    const response = await post(`/api/leads/${leadId}/signals`, { type: 'reply', text: 'Yes, call me.' });

    // Assess
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ ok: true, status: 'replied' });
    expect(executionsOf(leadId).map((e) => e.status)).toEqual(['ABORTED']);
    const mailbox = (await (await fetch(`${runtime.url}/api/mailbox`)).json()) as { subject: string }[];
    expect(mailbox.map((m) => m.subject)).toContain('Reply from Riley: Re: your note');
  });

  it.each([
    ['bounce', 'bounced'],
    ['complaint', 'complained'],
    ['unsubscribe', 'unsubscribed'],
    ['purchase', 'won'],
  ])('{"type": "%s"} leaves the lead %s', async (type, status) => {
    // Prepare
    const leadId = await signUp(`${type}.local@example.com`);

    // Act
    const response = await post(`/api/leads/${leadId}/signals`, { type });

    // Assess
    expect(JSON.parse(response.text)).toEqual({ ok: true, status });
  });

  it('{"type": "sms"} defaults to STOP: one confirmation text in the outbox', async () => {
    // Prepare
    const leadId = await signUp('sms.local@example.com', {
      phone: '+13125550177',
      smsConsent: true,
      consentText: 'Texts OK',
    });

    // Act
    const response = await post(`/api/leads/${leadId}/signals`, { type: 'sms' });

    // Assess
    expect(JSON.parse(response.text)).toEqual({ ok: true, status: 'active' });
    expect(runtime.outbox.filter((m) => m.to === '+13125550177').map((m) => m.body)).toEqual([
      expect.stringContaining("You're unsubscribed from"),
    ]);
  });

  it('GET /u/:token shows the confirmation page; a bad token gets 400', async () => {
    // Prepare
    const leadId = await signUp('page.local@example.com');

    // Act
    const good = await fetch(`${runtime.url}/u/${signToken(leadId, runtime.signingKey)}`);
    const bad = await fetch(`${runtime.url}/u/${leadId}.forged`);

    // Assess
    expect(good.status).toBe(200);
    expect(await good.text()).toContain('<form method="post">');
    expect(bad.status).toBe(400);
  });

  it('POST /api/leads/:id/outcome records what the dashboard buttons post', async () => {
    // Prepare
    const leadId = await signUp('outcome.local@example.com');

    // Act
    const response = await post(`/api/leads/${leadId}/outcome`, { result: 'won', value: 800 });

    // Assess
    expect(JSON.parse(response.text)).toMatchObject({ ok: true, status: 'won' });
  });

  it('POST /shop/events checks the signature, then enrolls the cart', async () => {
    // Prepare
    const body = JSON.stringify({
      type: 'cart.abandoned',
      detail: {
        email: 'cart.local@example.com',
        cartId: 'c-1',
        cartUrl: 'https://shop.example/cart/c-1',
        items: [{ name: 'Rake', quantity: 1, price: 25 }],
        total: 25,
        currency: 'USD',
      },
    });

    // Act
    const unsigned = await post('/shop/events', body);
    const { timestamp, signature } = signWebhook(body, runtime.shopWebhookSecret, new Date());
    const signed = await post('/shop/events', body, {
      'x-followup-timestamp': timestamp,
      'x-followup-signature': signature,
    });

    // Assess
    expect(unsigned.status).toBe(401);
    expect(signed.status).toBe(202);
    expect(JSON.parse(signed.text)).toMatchObject({ ok: true, type: 'cart.abandoned' });
  });
});
