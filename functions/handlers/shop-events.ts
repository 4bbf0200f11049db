import * as z from 'zod';
import { InvalidPayload } from '../domain/errors.ts';
import {
  receiveShopEvent,
  SHOP_EVENT_TYPES,
  type ShopDeps,
  ShopEventSchema,
  type ShopResult,
} from '../domain/shop.ts';

/*
 * EventBridge rule on the stack's bus: a shop's `cart.abandoned` and `order.completed` events (detail-type), with
 * the fields in `detail`.
 */

export const ShopEnvelopeSchema = z.object({
  'detail-type': z.enum(SHOP_EVENT_TYPES),
  detail: z.unknown(),
});

export interface ShopEventsDeps extends ShopDeps {
  readonly clock?: () => Date;
}

export function makeShopEventsHandler(deps: ShopEventsDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async (event: unknown): Promise<ShopResult> => {
    const envelope = ShopEnvelopeSchema.safeParse(event);
    if (!envelope.success) throw new InvalidPayload(`shop event: ${z.prettifyError(envelope.error)}`);
    const parsed = ShopEventSchema.safeParse({
      type: envelope.data['detail-type'],
      detail: envelope.data.detail,
    });
    if (!parsed.success) throw new InvalidPayload(`shop event: ${z.prettifyError(parsed.error)}`);
    const result = await receiveShopEvent(deps, parsed.data, clock());
    deps.logger.info('shop-event', { type: result.type, leadId: result.leadId });
    return result;
  };
}
