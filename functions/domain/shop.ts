import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { type Enrollment, enrollLead } from './enroll.ts';
import { leadIdFor, normalizeEmail } from './lead.ts';
import { compact } from './lead-input.ts';
import { applySignal, type SignalDeps, type SignalResult } from './signals.ts';

/*
 * A shop's events (DESIGN §1): `cart.abandoned` enrolls the shopper in the abandoned-cart cadence with the cart on
 * the lead (templates read `cart`); `order.completed` is a conversion that records the revenue and ends the cart
 * follow-up. They arrive on the stack's EventBridge bus, or signed at POST /shop/events from shops that cannot put
 * events; both take the same path.
 */

export const CART_CADENCE = 'abandoned-cart';

const Money = z.number().nonnegative().finite();
const Currency = z
  .string()
  .regex(/^[A-Za-z]{3}$/, { error: 'must be an ISO 4217 code, e.g. USD' })
  .transform((c) => c.toUpperCase());
const Email = z.string().trim().max(254).transform(normalizeEmail).pipe(z.email());

export const CartAbandonedSchema = z.object({
  email: Email,
  name: z.string().trim().max(200).optional(),
  cartId: z.string().min(1).max(200),
  cartUrl: z.url({ protocol: /^https?$/ }),
  items: z
    .array(
      z.object({ name: z.string().min(1).max(300), quantity: z.number().int().positive(), price: Money }),
    )
    .min(1)
    .max(100),
  total: Money,
  currency: Currency,
});

export const OrderCompletedSchema = z
  .object({
    email: Email.optional(),
    cartId: z.string().min(1).max(200).optional(),
    orderId: z.string().min(1).max(200),
    total: Money,
    currency: Currency,
  })
  .refine((order) => order.email !== undefined || order.cartId !== undefined, {
    error: 'needs the email or the cartId of the shopper',
  });

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

/**
 * Whether `header` ("sha256=<hex>") is the HMAC-SHA256 of the raw body under `secret`, compared in constant time.
 */
export function webhookSignatureValid(
  rawBody: string | Uint8Array,
  header: string | undefined,
  secret: string,
): boolean {
  const hex = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '')?.[1];
  if (!hex) return false;
  const given = Buffer.from(hex, 'hex');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const signWebhookBody = (rawBody: string | Uint8Array, secret: string) =>
  `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
