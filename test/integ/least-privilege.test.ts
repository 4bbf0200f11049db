import { afterEach, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../functions/domain/lead.ts';
import { signOutcomeToken } from '../../functions/domain/outcome-links.ts';
import { signWebhook } from '../../functions/domain/shop.ts';
import { environmentFor, type FunctionName } from '../../functions/runtime/env.ts';
import { awsError, runtimeClients, runtimeSettings } from '../fault/faults.ts';
import { enroll, leadOf, startTestRuntime, type TestRuntime } from './harness.ts';

/*
 * Least privilege, measured: one run through every function of the stack under the deployed IAM (every call
 * evaluated against the synthesized policies), then the grants no call used. Each grant left unused here is listed
 * with the reason it must stay; any other unused grant fails the test, so a permission added without a use is found.
 */

/** Grants the run does not exercise, each with why the function keeps it and where that path is tested. */
const KEPT_UNUSED: Readonly<Record<string, string>> = {
  'InboundEmail sqs:SendMessage':
    'Lambda itself sends a failed asynchronous event to the failure queue with the role, not the handler',
  'SesEvents sqs:SendMessage': 'the same: the on-failure destination of an asynchronous invocation',
  'SmsInbound sqs:SendMessage': 'the same: the on-failure destination of an asynchronous invocation',
  'ShopEvents sqs:SendMessage': 'the same: the on-failure destination of an asynchronous invocation',
  'SmsInbound sns:CheckIfPhoneNumberIsOptedOut':
    'sms.optOuts "aws" asks AWS whether a START opted the number back in; a laptop has no AWS to answer, so the local runtime runs "self" (test/unit/functions/handlers/sms-inbound.test.ts)',
  'ReadReply states:StartExecution':
    'an out-of-office that names its return date snoozes the lead into re-engage (test/unit/functions/handlers/inbound-email.test.ts)',
  'ReadReply dynamodb:BatchWriteItem':
    "the same: that snooze's re-engage enrollment writes its events and retry markers in one request",
  'Touch ses:GetAccount':
    'the governor\'s "ratePerSecond": "account" reads the SES account\'s SendQuota; the local SES has no GetAccount, so the local runtime answers from sending.local (test/unit/functions/adapters/ses-send-quota.test.ts)',
};

/** The From address is not verified as an identity of its own here: sending on it is tested with it verified. */
const SENDING_IDENTITY = 'ses:SendEmail arn:aws:ses:local:000000000000:identity/sales@example.com';

let rt: TestRuntime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${rt?.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

const signal = (leadId: string, body: Record<string, unknown>) => post(`/api/leads/${leadId}/signals`, body);

/** The headers a shop signs a webhook delivery with, at the engine's now. */
function webhookHeaders(body: string): Record<string, string> {
  // Signed at the real time: the webhook checks a sender's timestamp against it, not the runtime's clock.
  const { timestamp, signature } = signWebhook(body, rt?.runtime.shopWebhookSecret ?? '', new Date());
  return { 'x-followup-signature': signature, 'x-followup-timestamp': timestamp };
}

/** The next StartExecution of any function fails as a throttled call would. */
async function failNextStart(): Promise<{ failed: () => boolean }> {
  if (!rt) throw new Error('start the runtime first');
  const { sfn } = await runtimeClients(rt);
  let failed = false;
  sfn.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'StartExecutionCommand' && !failed) {
        failed = true;
        throw awsError('ThrottlingException', 'Rate exceeded');
      }
      return next(args);
    },
    { step: 'initialize', name: 'failNextStart' },
  );
  return { failed: () => failed };
}

describe('least privilege', () => {
  it('every AWS call of a full run is allowed, and every grant is used or kept for a stated reason', async () => {
    // Prepare
    rt = await startTestRuntime();
    const { runtime } = rt;
    const iam = runtime.iam;
    if (!iam) throw new Error('the integration runtime runs with IAM enforced');

    // Act: a lead through its whole cadence and into nurture (intake, touch, complete)
    const full = await enroll(rt.url, {
      email: 'whole.cadence@example.com',
      name: 'Wren',
      phone: '(312) 555-0142',
      smsConsent: true,
      consentText: 'Yes, text me. Reply STOP to opt out.',
    });
    const last = full.enrollment.schedule.at(-1)?.at ?? '';
    await rt.advanceTo(new Date(Date.parse(last) + 3 * 86_400_000));

    // … and one lead for each way a cadence stops (inbound email, SES events, unsubscribe, SMS, outcomes, shop)
    const reply = await enroll(rt.url, { email: 'replies@example.com', name: 'Rae' });
    expect((await signal(reply.leadId, { type: 'reply', text: 'Yes, call me.' })).status).toBe(200);
    const bounce = await enroll(rt.url, { email: 'bounces@example.com' });
    expect((await signal(bounce.leadId, { type: 'bounce' })).status).toBe(200);
    const unsubscribe = await enroll(rt.url, { email: 'leaves@example.com' });
    expect((await signal(unsubscribe.leadId, { type: 'unsubscribe' })).status).toBe(200);
    const texter = await enroll(rt.url, {
      email: 'texts@example.com',
      phone: '(312) 555-0177',
      smsConsent: true,
      consentText: 'Texts OK. Reply STOP to opt out.',
    });
    expect((await signal(texter.leadId, { type: 'sms', text: 'STOP' })).status).toBe(200);
    const textsBack = await enroll(rt.url, {
      email: 'texts.back@example.com',
      phone: '(312) 555-0188',
      smsConsent: true,
      consentText: 'Texts OK. Reply STOP to opt out.',
    });
    expect((await signal(textsBack.leadId, { type: 'sms', text: 'Sure, call me Friday' })).status).toBe(200);
    // SmsInbound's own: an opt-out in words that names email ends the cadence and tells the owner.
    const stopsAll = await enroll(rt.url, {
      email: 'stops.all@example.com',
      phone: '(312) 555-0199',
      smsConsent: true,
      consentText: 'Texts OK. Reply STOP to opt out.',
    });
    expect((await signal(stopsAll.leadId, { type: 'sms', text: 'Please stop emailing me' })).status).toBe(
      200,
    );
    const notNow = await enroll(rt.url, { email: 'not.now@example.com' });
    const until = new Date(rt.clock.now().getTime() + 30 * 86_400_000).toISOString();
    expect((await post(`/api/leads/${notNow.leadId}/outcome`, { result: 'not-now', until })).status).toBe(
      200,
    );
    const link = signOutcomeToken(
      { leadId: reply.leadId, result: 'meeting', expiresAt: new Date(rt.clock.now().getTime() + 86_400_000) },
      runtime.signingKey,
    );
    expect((await post(`/o/${link}`, '')).status).toBeLessThan(400);
    const cart = JSON.stringify({
      type: 'cart.abandoned',
      detail: {
        email: 'shopper@example.com',
        cartId: 'cart-1',
        cartUrl: 'https://shop.example/cart/cart-1',
        items: [{ name: 'Lamp', quantity: 1, price: 120 }],
        total: 120,
        currency: 'USD',
      },
    });
    const webhook = await post('/shop/events', cart, webhookHeaders(cart));
    expect(webhook.status).toBe(202);
    const order = JSON.stringify({
      type: 'order.completed',
      detail: { email: 'shopper@example.com', orderId: 'order-1', total: 120, currency: 'USD' },
    });
    const paid = await post('/shop/events', order, webhookHeaders(order));
    expect(paid.status).toBeLessThan(300);
    await runtime.signals.shopEvents({
      version: '0',
      id: 'evt-cart-2',
      'detail-type': 'cart.abandoned',
      source: 'shop',
      time: rt.clock.now().toISOString(),
      region: 'local',
      resources: [],
      detail: {
        email: 'bus.shopper@example.com',
        cartId: 'cart-2',
        cartUrl: 'https://shop.example/cart/cart-2',
        items: [{ name: 'Rug', quantity: 1, price: 80 }],
        total: 80,
        currency: 'USD',
      },
    });
    const busShopper = leadIdFor('bus.shopper@example.com');
    expect((await signal(busShopper, { type: 'purchase', value: 80 })).status).toBe(200);
    await rt.settle();

    // … and a start that fails once, which the sweeper retries
    const sweeper = await failNextStart();
    const retried = await post('/leads', { email: 'retried@example.com' });
    expect(retried.status).toBe(202);
    await rt.advanceTo(new Date(rt.clock.now().getTime() + 6 * 60_000));
    // The runtime sweeps on a timer; run this sweep now rather than wait for it.
    await runtime.functions.get('enrollment-sweeper')?.({});
    await rt.settle();
    expect(sweeper.failed()).toBe(true);
    const retriedLead = await leadOf(rt.url, leadIdFor('retried@example.com'));
    expect(retriedLead.enrollments.map((e) => e.status)).toEqual(['started']);

    // Assess: nothing denied, and nothing granted that the run did not need
    expect(iam.denials).toEqual([]);
    const cadences = runtime.cadences.map((c) => c.id).join('|');
    const perCadence = (resource: string) =>
      resource.replace(new RegExp(`Followup-(${cadences})\\b`), 'Followup-{cadence}');
    const unused = iam
      .unusedGrants(iam.principals(), perCadence)
      .map((g) => `${g.function} ${g.action} ${g.resource}`)
      .filter((g) => !Object.keys(KEPT_UNUSED).some((kept) => g.startsWith(`${kept} `)))
      .filter((g) => !g.endsWith(SENDING_IDENTITY));
    expect(unused).toEqual([]);
    // And the list of kept grants stays honest: each is really unused in this run.
    const stillUnused = iam
      .unusedGrants(iam.principals(), perCadence)
      .map((g) => `${g.function} ${g.action}`);
    expect(Object.keys(KEPT_UNUSED).filter((kept) => !stillUnused.includes(kept))).toEqual([]);
  });

  it('names every resource as the deployed functions will, so what is evaluated is what AWS will see', async () => {
    // Prepare
    rt = await startTestRuntime();
    const functions = rt.runtime.iam?.stack.functions ?? new Map();

    // Act: the resource names in each deployed function's environment, against the local runtime's
    const names = [
      'TABLE_NAME',
      'STATE_MACHINE_ARN_TEMPLATE',
      'UNSUBSCRIBE_SECRET_ARN',
      'SHOP_WEBHOOK_SECRET_ARN',
      'INBOUND_BUCKET',
      'INBOUND_PREFIX',
    ];
    const settings = runtimeSettings(rt);
    const mismatches: string[] = [];
    for (const fn of functions.values()) {
      const local = environmentFor(fn.name as FunctionName, settings);
      for (const name of names) {
        const deployed = fn.environment[name];
        if (deployed !== undefined && deployed !== local[name]) {
          mismatches.push(`${fn.name} ${name}: deployed ${deployed}, local ${local[name]}`);
        }
      }
    }

    // Assess
    expect(functions.size).toBeGreaterThanOrEqual(10);
    expect(mismatches).toEqual([]);
  });

  it('sends from the From address when it is verified as an identity of its own, as SES then authorizes it', async () => {
    // Prepare: SES checks the address identity, not the domain, once the address is verified by itself
    rt = await startTestRuntime({ sesIdentities: ['example.com', 'sales@example.com'] });

    // Act
    const { leadId } = await enroll(rt.url, { email: 'own.identity@example.com' });
    await rt.settle();

    // Assess
    const touches = (await leadOf(rt.url, leadId)).touches;
    expect(touches.map((t) => t.status)).toEqual(['sent']);
    expect(rt.runtime.iam?.denials).toEqual([]);
  });
});
