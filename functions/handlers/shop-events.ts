import * as z from '../core/zod.ts';
import { InvalidPayload } from '../domain/errors.ts';
import {
  receiveShopEventOnce,
  SHOP_EVENT_TYPES,
  type ShopDeps,
  ShopEventSchema,
  type ShopResult,
} from '../domain/shop.ts';

/*
 * EventBridge rule on the stack's bus: a shop's `cart.abandoned` and `order.completed` events (detail-type), with
 * the fields in `detail`. EventBridge delivers at least once, and Lambda retries a failed asynchronous invocation
 * with the same event: each event id is received once (docs/architecture.md §4.1).
 */

export const ShopEnvelopeSchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(200)),
  'detail-type': z.enum(SHOP_EVENT_TYPES),
  detail: z.unknown(),
});

export interface ShopEventsDeps extends ShopDeps {
  readonly clock?: () => Date;
}

/** What the handler answers: the event's result, or that this delivery of it was already received. */
export type ShopEventsResult = ShopResult | { readonly type: ShopResult['type']; readonly duplicate: true };

export function makeShopEventsHandler(deps: ShopEventsDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async (event: unknown): Promise<ShopEventsResult> => {
    const envelope = ShopEnvelopeSchema.safeParse(event);
    if (!envelope.success) throw new InvalidPayload(`shop event: ${z.prettifyError(envelope.error)}`);
    const parsed = ShopEventSchema.safeParse({
      type: envelope.data['detail-type'],
      detail: envelope.data.detail,
    });
    if (!parsed.success) throw new InvalidPayload(`shop event: ${z.prettifyError(parsed.error)}`);
    const delivery = { key: `shop-bus:${envelope.data.id}`, source: 'shop-bus' } as const;
    const received = await receiveShopEventOnce(deps, parsed.data, delivery, clock());
    if (received.duplicate) return { type: parsed.data.type, duplicate: true };
    const { result } = received;
    deps.logger.info('shop-event', { type: result.type, leadId: result.leadId });
    return result;
  };
}
