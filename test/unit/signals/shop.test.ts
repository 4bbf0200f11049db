import './env.ts';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { ExecutionInputSchema } from '../../../functions/core/execution-input.ts';
import { leadIdFor } from '../../../functions/domain/lead.ts';
import { signWebhookBody } from '../../../functions/domain/shop.ts';
import { makeShopEventsHandler } from '../../../functions/handlers/shop-events.ts';
import { makeShopWebhookHandler } from '../../../functions/handlers/shop-webhook.ts';
import { starts, stops, type World, world } from './fixtures.ts';

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

async function webhook(body: string, signature?: string): Promise<APIGatewayProxyStructuredResultV2> {
  const handler = makeShopWebhookHandler({ ...w.deps, webhookSecret: async () => SECRET, clock: () => NOW });
  const event = {
    version: '2.0',
    routeKey: 'POST /shop/events',
    rawPath: '/shop/events',
    rawQueryString: '',
    headers: {
      'Content-Type': 'application/json',
      ...(signature ? { 'X-Followup-Signature': signature } : {}),
    },
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: '/shop/events' }, requestId: 'req-1' },
  } as unknown as APIGatewayProxyEventV2;
  return handler(event, {} as Context);
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

    // Act
    const again = await events()(order);

    // Assess
    expect(again).toMatchObject({ outcome: 'duplicate' });
    expect(w.store.events).toHaveLength(recorded);
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
    const response = await webhook(body, signWebhookBody(body, SECRET));

    // Assess
    expect(response.statusCode).toBe(202);
    expect(w.store.leads.get(leadIdFor(SHOPPER))?.cart?.total).toBe(22.5);
    expect(starts()).toHaveLength(1);
  });

  it.each([
    ['no signature', undefined],
    ['a signature with another secret', signWebhookBody(body, 'not-the-secret')],
    ['a signature of another body', signWebhookBody(`${body} `, SECRET)],
    ['a bare hex digest', signWebhookBody(body, SECRET).slice('sha256='.length)],
  ])('%s gets 401 and nothing happens', async (_, signature) => {
    // Act
    const response = await webhook(body, signature);

    // Assess
    expect(response.statusCode).toBe(401);
    expect(w.store.leads.size).toBe(0);
    expect(starts()).toEqual([]);
  });

  it('a signed but invalid event gets 400 naming the field', async () => {
    // Prepare
    const bad = JSON.stringify({
      type: 'order.completed',
      detail: { orderId: 'o-1', total: 5, currency: 'USD' },
    });

    // Act
    const response = await webhook(bad, signWebhookBody(bad, SECRET));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '').errors).toHaveProperty('detail');
  });
});
