import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { oneLine } from '../core/one-line.ts';
import * as z from '../core/zod.ts';
import { applyOnce } from './apply-once.ts';
import { type Enrollment, enrollLead } from './enroll.ts';
import { leadIdFor } from './lead.ts';
import { compact, EmailAddress } from './lead-input.ts';
import { applySignal, type SignalDeps, type SignalResult } from './signals.ts';

/*
 * A shop's events: `cart.abandoned` enrolls the shopper in the abandoned-cart cadence with the cart on
 * the lead (templates read `cart`); `order.completed` is a conversion that records the revenue and ends the cart
 * follow-up. They arrive on the stack's EventBridge bus, or signed at POST /shop/events from shops that cannot put
 * events; both take the same path.
 */

export const CART_CADENCE = 'abandoned-cart';

const Money = z.number().check(z.gte(0));
const Currency = z.pipe(
  z.string().check(z.regex(/^[A-Za-z]{3}$/, { error: 'must be an ISO 4217 code, e.g. USD' })),
  z.transform((c: string) => c.toUpperCase()),
);
const Email = z.pipe(z.string().check(z.trim()), EmailAddress);
const Id = () => z.string().check(z.minLength(1), z.maxLength(200));

export const CartAbandonedSchema = z.object({
  email: Email,
  // One line, as the signup form stores a name: it may reach a subject.
  name: z.optional(
    z.pipe(
      z.string().check(z.maxLength(200)),
      z.transform((name: string) => oneLine(name, 200) || undefined),
    ),
  ),
  cartId: Id(),
  cartUrl: z.url({ protocol: /^https?$/ }),
  items: z
    .array(
      z.object({
        name: z.string().check(z.minLength(1), z.maxLength(300)),
        quantity: z.number().check(z.int(), z.gt(0)),
        price: Money,
      }),
    )
    .check(z.minLength(1), z.maxLength(100)),
  total: Money,
  currency: Currency,
});

export const OrderCompletedSchema = z
  .object({
    email: z.optional(Email),
    cartId: z.optional(Id()),
    orderId: Id(),
    total: Money,
    currency: Currency,
  })
  .check(
    z.refine((order) => order.email !== undefined || order.cartId !== undefined, {
      error: 'needs the email or the cartId of the shopper',
    }),
  );

export const SHOP_EVENT_TYPES = ['cart.abandoned', 'order.completed'] as const;

export const ShopEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cart.abandoned'), detail: CartAbandonedSchema }),
  z.object({ type: z.literal('order.completed'), detail: OrderCompletedSchema }),
]);
export type ShopEvent = z.infer<typeof ShopEventSchema>;

export interface ShopDeps extends SignalDeps {
  /** The cadence abandoned carts enroll in; default "abandoned-cart". */
  readonly cartCadence?: string;
}

export type ShopResult =
  | { readonly type: 'cart.abandoned'; readonly leadId: string; readonly enrollment: Enrollment }
  | { readonly type: 'order.completed'; readonly leadId?: string; readonly outcome: SignalResult['outcome'] };

const SOURCE = 'shop';

export async function receiveShopEvent(deps: ShopDeps, event: ShopEvent, now: Date): Promise<ShopResult> {
  switch (event.type) {
    case 'cart.abandoned': {
      const cart = event.detail;
      const result = await enrollLead(
        deps,
        {
          profile: compact({
            email: cart.email,
            name: cart.name,
            source: SOURCE,
            cart: { url: cart.cartUrl, items: cart.items, total: cart.total, currency: cart.currency },
          }),
          cadenceId: deps.cartCadence ?? CART_CADENCE,
          source: SOURCE,
          reactivate: true,
        },
        now,
      );
      await deps.store.linkLead('cart', cart.cartId, result.leadId);
      deps.logger.info('cart-abandoned', { leadId: result.leadId, enrollment: result.enrollment.status });
      return { type: event.type, leadId: result.leadId, enrollment: result.enrollment };
    }
    case 'order.completed': {
      const order = event.detail;
      const byEmail = order.email ? leadIdFor(order.email) : undefined;
      const leadId =
        byEmail && (await deps.store.getLead(byEmail))
          ? byEmail
          : order.cartId
            ? await deps.store.findLeadId('cart', order.cartId)
            : undefined;
      if (!leadId) {
        // A buyer we never followed up: not a recovered sale.
        deps.logger.info('order-without-lead', { orderId: order.orderId });
        return { type: event.type, outcome: 'no-lead' };
      }
      const result = await applySignal(
        deps,
        {
          v: 1,
          type: 'conversion',
          id: `order:${order.orderId}`,
          leadId,
          at: now.toISOString(),
          source: SOURCE,
          orderId: order.orderId,
          revenue: order.total,
          currency: order.currency,
        },
        now,
      );
      return { type: event.type, leadId, outcome: result.outcome };
    }
    default:
      throw new Error(`unknown shop event ${JSON.stringify(event satisfies never)}`);
  }
}

/*
 * A signed delivery (the shape Stripe and Svix use): the HMAC-SHA256 covers the sender's unix time, a dot and the
 * raw body, so a captured request cannot be given a fresh time; one whose time is more than the tolerance from ours
 * is refused, and within the tolerance the event's id is remembered, so a replay finds it and does nothing.
 */

/** How far a delivery's signed time may be from ours, either way (Stripe's and Svix's default too). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export type WebhookVerdict =
  | { readonly ok: true }
  /** No timestamp, or not unix seconds (a 13-digit one is milliseconds). */
  | { readonly ok: false; readonly problem: 'timestamp' }
  /** No signature, or not the HMAC of timestamp.body under the secret. */
  | { readonly ok: false; readonly problem: 'signature' }
  /** Signed, but at a time too far from ours: a replay, or a sender whose clock is off. */
  | { readonly ok: false; readonly problem: 'skew'; readonly skewSeconds: number };

const mac = (rawBody: string | Uint8Array, timestamp: string, secret: string) =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();

/**
 * Whether `signature` ("sha256=<hex>") is the HMAC-SHA256 of `timestamp` + "." + the raw body under `secret`,
 * compared in constant time, with the timestamp within the tolerance of `now`.
 */
export function verifyWebhook(
  rawBody: string | Uint8Array,
  headers: { readonly signature?: string | undefined; readonly timestamp?: string | undefined },
  secret: string,
  now: Date,
): WebhookVerdict {
  const timestamp = headers.timestamp?.trim() ?? '';
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, problem: 'timestamp' };
  const hex = /^sha256=([0-9a-f]{64})$/i.exec(headers.signature?.trim() ?? '')?.[1];
  if (!hex) return { ok: false, problem: 'signature' };
  const given = Buffer.from(hex, 'hex');
  const expected = mac(rawBody, timestamp, secret);
  if (!(given.length === expected.length && timingSafeEqual(given, expected))) {
    return { ok: false, problem: 'signature' };
  }
  const skewSeconds = Math.round(now.getTime() / 1000) - Number(timestamp);
  if (Math.abs(skewSeconds) > WEBHOOK_TOLERANCE_SECONDS) return { ok: false, problem: 'skew', skewSeconds };
  return { ok: true };
}

/** The headers' values a sender puts on a delivery of `rawBody` at `at`. */
export function signWebhook(
  rawBody: string | Uint8Array,
  secret: string,
  at: Date,
): { readonly timestamp: string; readonly signature: string } {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return { timestamp, signature: `sha256=${mac(rawBody, timestamp, secret).toString('hex')}` };
}

/**
 * A delivery's dedupe key: the shop's event id; without one, the digest of the body, which a replay repeats byte
 * for byte (the signature pins it), as does a shop's retry of the same delivery. Not the cart id: markers are
 * kept for good, and the same cart abandoned again with other items is a new event.
 */
export function webhookEventKey(rawBody: string | Uint8Array, eventId?: string): string {
  return eventId
    ? `shop-event:${eventId}`
    : `shop-body:${createHash('sha256').update(rawBody).digest('hex')}`;
}

export type WebhookResult =
  | { readonly duplicate: true }
  | { readonly duplicate: false; readonly result: ShopResult };

/** Where a once-only delivery came from: its dedupe key and the source its marker records. */
export interface ShopDelivery {
  readonly key: string;
  readonly source: 'shop-webhook' | 'shop-bus';
}

/**
 * Receives a delivery of a shop event once per key: a second delivery of the same event (a replay, a retry, the
 * bus's at-least-once redelivery) is a duplicate and does nothing.
 */
export async function receiveShopEventOnce(
  deps: ShopDeps,
  event: ShopEvent,
  delivery: ShopDelivery,
  now: Date,
): Promise<WebhookResult> {
  const ran = await applyOnce(
    deps.store,
    {
      signalId: delivery.key,
      type: `${delivery.source === 'shop-bus' ? 'bus' : 'webhook'}:${event.type}`,
      source: delivery.source,
    },
    now,
    () => receiveShopEvent(deps, event, now),
    deps.logger,
  );
  if (ran.duplicate) {
    deps.logger.info(`${delivery.source}-duplicate`, { type: event.type });
    return { duplicate: true };
  }
  return { duplicate: false, result: ran.value };
}

/** Receives a webhook's event once per key (webhookEventKey). */
export function receiveWebhookEvent(
  deps: ShopDeps,
  event: ShopEvent,
  key: string,
  now: Date,
): Promise<WebhookResult> {
  return receiveShopEventOnce(deps, event, { key, source: 'shop-webhook' }, now);
}
