import { createHmac } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ExecutionInputSchema } from '../../../../functions/core/execution-input.ts';
import { type Lead, leadIdFor } from '../../../../functions/domain/lead.ts';
import { signWebhook } from '../../../../functions/domain/shop.ts';
import { makeShopEventsHandler } from '../../../../functions/handlers/shop-events.ts';
import { makeShopWebhookHandler } from '../../../../functions/handlers/shop-webhook.ts';
import { starts, stops, type World, world } from '../../../support/signal-fixtures.ts';

const NOW = new Date('2026-03-05T18:00:00Z');
const SECRET = 'shop-webhook-secret-for-tests';
const SHOPPER = 'casey.nguyen@example.com';

const CART = {
  email: SHOPPER,
  name: 'Casey Nguyen',
  cartId: 'cart-42',
  cartUrl: 'https://shop.northwind.example/cart/42',
  items: [{ name: 'Cedar mulch, 2 cu ft', quantity: 3, price: 7.5 }],
  total: 22.5,
  currency: 'USD',
};

let w: World;

const events = () => makeShopEventsHandler({ ...w.deps, clock: () => NOW });
const bus = (detailType: string, detail: unknown) => ({
  version: '0',
  id: `evt-${detailType}`,
  'detail-type': detailType,
  source: 'northwind.shop',
  time: NOW.toISOString(),
  detail,
});

/** POST /shop/events with these headers; the sender's clock and ours both read NOW unless `at` says. */
async function webhook(
  body: string,
  headers: Record<string, string> = {},
  at: Date = NOW,
): Promise<APIGatewayProxyStructuredResultV2> {
  const handler = makeShopWebhookHandler({
    ...w.deps,
    webhookSecret: async () => SECRET,
    clock: () => NOW,
    wallClock: () => at,
  });
  const event = {
    version: '2.0',
    routeKey: 'POST /shop/events',
    rawPath: '/shop/events',
    rawQueryString: '',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: '/shop/events' }, requestId: 'req-1' },
  } as unknown as APIGatewayProxyEventV2;
  return handler(event, {} as Context);
}

/** The headers a shop sends: the unix time and the HMAC of time + "." + body, as the README's curl computes them. */
function signed(body: string, secret = SECRET, at = NOW): Record<string, string> {
  const { timestamp, signature } = signWebhook(body, secret, at);
  return { 'X-Followup-Timestamp': timestamp, 'X-Followup-Signature': signature };
}

beforeEach(() => {
  w = world();
});

describe('shop events on the bus', () => {
  it('cart.abandoned enrolls the shopper in abandoned-cart with the cart on the lead', async () => {
    // Act
    const result = await events()(bus('cart.abandoned', CART));

    // Assess
    const leadId = leadIdFor(SHOPPER);
    expect(result).toMatchObject({ type: 'cart.abandoned', leadId, enrollment: { status: 'started' } });
    expect(w.store.leads.get(leadId)?.cart).toEqual({
      url: CART.cartUrl,
      items: CART.items,
      total: 22.5,
      currency: 'USD',
    });
    const [start] = starts();
    expect(start?.stateMachineArn).toContain('Followup-abandoned-cart:live');
    expect(ExecutionInputSchema.parse(JSON.parse(start?.input ?? '')).leadId).toBe(leadId);
  });

  it('order.completed by cart id is a conversion: won with the revenue, and the cart follow-up stops', async () => {
    // Prepare
    await events()(bus('cart.abandoned', CART));

    // Act
    const result = await events()(
      bus('order.completed', { cartId: 'cart-42', orderId: 'order-7', total: 22.5, currency: 'usd' }),
    );

    // Assess
    const leadId = leadIdFor(SHOPPER);
    expect(result).toEqual({ type: 'order.completed', leadId, outcome: 'applied' });
    expect(w.store.leads.get(leadId)).toMatchObject({ status: 'won', dealValue: 22.5, dealCurrency: 'USD' });
    expect(stops()).toEqual([expect.stringContaining(':execution:Followup-abandoned-cart:abandoned-cart-')]);
  });

  it('the same order twice counts once', async () => {
    // Prepare
    await events()(bus('cart.abandoned', CART));
    const order = bus('order.completed', {
      email: SHOPPER,
      orderId: 'order-7',
      total: 22.5,
      currency: 'USD',
    });
    await events()(order);
    const recorded = w.store.events.length;

    // Act: the shop sent it twice, as two events
    const again = await events()({ ...order, id: 'evt-order-completed-resent' });

    // Assess
    expect(again).toMatchObject({ outcome: 'duplicate' });
    expect(w.store.events).toHaveLength(recorded);
  });

  it('the same bus event delivered again (EventBridge is at least once) does nothing, even after the lead moved on', async () => {
    // Prepare: the cart's follow-up ran and the shopper went quiet into nurture.
    const abandoned = bus('cart.abandoned', CART);
    await events()(abandoned);
    const leadId = leadIdFor(SHOPPER);
    w.store.leads.set(leadId, { ...(w.store.leads.get(leadId) as Lead), status: 'nurture' });
    const recorded = w.store.events.length;

    // Act
    const again = await events()(abandoned);
    const another = await events()({ ...abandoned, id: 'evt-cart-abandoned-again' });

    // Assess: the redelivery is a duplicate; the same cart abandoned again (a new event id) re-enrolls.
    expect(again).toEqual({ type: 'cart.abandoned', duplicate: true });
    expect(w.store.events.slice(recorded, recorded + 1)).toEqual([
      expect.objectContaining({ kind: 'status', from: 'nurture', to: 'active' }),
    ]);
    expect(another).toMatchObject({ type: 'cart.abandoned', enrollment: { status: 'started' } });
    expect(starts()).toHaveLength(2);
  });

  it('an order from someone never followed up changes nothing', async () => {
    // Act
    const result = await events()(
      bus('order.completed', {
        email: 'walk.in@example.com',
        orderId: 'order-8',
        total: 10,
        currency: 'USD',
      }),
    );

    // Assess
    expect(result).toEqual({ type: 'order.completed', outcome: 'no-lead' });
    expect(w.store.leads.size).toBe(0);
  });

  it('fails loudly on a malformed cart', async () => {
    // Act
    const error = await events()(bus('cart.abandoned', { ...CART, cartUrl: 'javascript:alert(1)' })).catch(
      (e: Error) => e,
    );

    // Assess
    expect((error as Error).name).toBe('InvalidPayload');
    expect(w.store.leads.size).toBe(0);
  });
});

describe('POST /shop/events', () => {
  const body = JSON.stringify({ type: 'cart.abandoned', detail: CART });

  it('a correctly signed event takes the same path as the bus', async () => {
    // Act
    const response = await webhook(body, signed(body));

    // Assess
    expect(response.statusCode).toBe(202);
    expect(w.store.leads.get(leadIdFor(SHOPPER))?.cart?.total).toBe(22.5);
    expect(starts()).toHaveLength(1);
  });

  it('the signature covers the timestamp and the body: "sha256=" + hex HMAC-SHA256 of timestamp + "." + body', async () => {
    // Prepare
    const timestamp = String(NOW.getTime() / 1000);
    const hmac = createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex');

    // Act
    const response = await webhook(body, {
      'X-Followup-Timestamp': timestamp,
      'X-Followup-Signature': `sha256=${hmac}`,
    });

    // Assess
    expect(response.statusCode).toBe(202);
  });

  it.each([
    ['no signature', { 'X-Followup-Timestamp': signed(body)['X-Followup-Timestamp'] as string }],
    ['a signature with another secret', signed(body, 'not-the-secret')],
    ['a signature of another body', signed(`${body} `)],
    [
      'a bare hex digest',
      { ...signed(body), 'X-Followup-Signature': (signed(body)['X-Followup-Signature'] as string).slice(7) },
    ],
    [
      'a signature of the body alone, without the timestamp',
      {
        'X-Followup-Timestamp': signed(body)['X-Followup-Timestamp'] as string,
        'X-Followup-Signature': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      },
    ],
    [
      'a signature whose timestamp was changed',
      { ...signed(body), 'X-Followup-Timestamp': String(NOW.getTime() / 1000 + 1) },
    ],
  ])('%s gets 401 and nothing happens', async (_, headers) => {
    // Act
    const response = await webhook(body, headers);

    // Assess
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body ?? '').message).toContain('timestamp + "." + the raw body');
    expect(w.store.leads.size).toBe(0);
    expect(starts()).toEqual([]);
  });

  it.each([
    ['no timestamp', {}],
    ['a timestamp in milliseconds', { 'X-Followup-Timestamp': String(NOW.getTime()) }],
    ['a date rather than unix seconds', { 'X-Followup-Timestamp': NOW.toUTCString() }],
  ])('%s gets 401 saying to send unix seconds and sign them', async (_, headers) => {
    // Act
    const response = await webhook(body, {
      'X-Followup-Signature': signed(body)['X-Followup-Signature'] as string,
      ...headers,
    });

    // Assess
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body ?? '').message).toMatch(/x-followup-timestamp.*unix seconds.*"\."/i);
    expect(starts()).toEqual([]);
  });

  it.each([
    ['signed 5 minutes and 1 second ago', -301],
    ['signed 5 minutes and 1 second ahead', 301],
  ])(
    '%s (a replay, or a clock out of sync) gets 401 telling the sender to sync its clock',
    async (_, offset) => {
      // Act
      const response = await webhook(body, signed(body, SECRET, new Date(NOW.getTime() + offset * 1000)));

      // Assess
      expect(response.statusCode).toBe(401);
      const { message } = JSON.parse(response.body ?? '');
      expect(message).toContain('301 s');
      expect(message).toMatch(/clock in sync/);
      expect(message).toContain('"."');
      expect(starts()).toEqual([]);
    },
  );

  it.each([
    ['5 minutes ago', -300],
    ['5 minutes ahead', 300],
  ])('a delivery signed %s is still in time', async (_, offset) => {
    // Act
    const response = await webhook(body, signed(body, SECRET, new Date(NOW.getTime() + offset * 1000)));

    // Assess
    expect(response.statusCode).toBe(202);
  });

  it('a captured delivery replayed 3 times inside the window enrolls once; each replay is 200 {duplicate: true}', async () => {
    // Prepare
    const headers = signed(body);
    const first = await webhook(body, headers);
    const sent = starts().length;
    const recorded = w.store.events.length;

    // Act
    const replays = [];
    for (const seconds of [1, 60, 299]) {
      replays.push(await webhook(body, headers, new Date(NOW.getTime() + seconds * 1000)));
    }

    // Assess
    expect(first.statusCode).toBe(202);
    for (const replay of replays) {
      expect(replay.statusCode).toBe(200);
      expect(JSON.parse(replay.body ?? '')).toEqual({ ok: true, duplicate: true });
    }
    expect(starts()).toHaveLength(sent);
    expect(w.store.events).toHaveLength(recorded);
  });

  it("the shop's event id is remembered: the same id re-signed later is a duplicate, another id is a new event", async () => {
    // Prepare
    const event = (id: string) => JSON.stringify({ id, type: 'cart.abandoned', detail: CART });
    await webhook(event('evt-1'), signed(event('evt-1')));

    // Act
    const resent = await webhook(
      event('evt-1'),
      signed(event('evt-1'), SECRET, new Date(NOW.getTime() + 60_000)),
    );
    const other = await webhook(event('evt-2'), signed(event('evt-2')));

    // Assess
    expect(JSON.parse(resent.body ?? '')).toEqual({ ok: true, duplicate: true });
    expect(other.statusCode).toBe(202);
  });

  it('without an id, the same cart abandoned again with other items is a new event, not a duplicate', async () => {
    // Prepare
    await webhook(body, signed(body));
    const changed = JSON.stringify({
      type: 'cart.abandoned',
      detail: { ...CART, total: 30, items: [{ ...CART.items[0], quantity: 4 }] },
    });

    // Act
    const response = await webhook(changed, signed(changed));

    // Assess
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body ?? '')).not.toHaveProperty('duplicate');
  });

  it('an event that failed is no duplicate: its retry is applied', async () => {
    // Prepare
    vi.spyOn(w.store, 'linkLead').mockRejectedValueOnce(new Error('ProvisionedThroughputExceededException'));
    const failed = await webhook(body, signed(body));

    // Act
    const retried = await webhook(body, signed(body));

    // Assess
    expect(failed.statusCode).toBe(500);
    expect(retried.statusCode).toBe(202);
  });

  it('a signed but invalid event gets 400 naming the field', async () => {
    // Prepare
    const bad = JSON.stringify({
      type: 'order.completed',
      detail: { orderId: 'o-1', total: 5, currency: 'USD' },
    });

    // Act
    const response = await webhook(bad, signed(bad));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '').errors).toHaveProperty('detail');
  });

  it('an id that is not text gets 400 naming "id"', async () => {
    // Prepare
    const bad = JSON.stringify({ id: 7, type: 'cart.abandoned', detail: CART });

    // Act
    const response = await webhook(bad, signed(bad));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '').errors).toHaveProperty('id');
    expect(starts()).toEqual([]);
  });
});
