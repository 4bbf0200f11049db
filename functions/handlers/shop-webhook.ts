import type * as z from 'zod';
import { receiveShopEvent, type ShopDeps, ShopEventSchema, webhookSignatureValid } from '../domain/shop.ts';
import { shopWebhookDependencies } from '../runtime/dependencies.ts';
import {
  type HttpEvent,
  type HttpHandler,
  type HttpResult,
  httpHandler,
  jsonResponse,
  methodOf,
  rawBody,
} from '../runtime/http.ts';

/*
 * POST /shop/events, for shops that cannot put events on the bus: the same events as JSON
 * `{"type": "cart.abandoned" | "order.completed", "detail": {...}}`, signed with the webhook secret:
 * `X-Followup-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, compared in constant time.
 */

export interface ShopWebhookDeps extends ShopDeps {
  /** The webhook secret, read once per cold start. */
  readonly webhookSecret: () => Promise<string>;
  readonly clock?: () => Date;
}

export const SIGNATURE_HEADER = 'x-followup-signature';
const MAX_BODY = 64 * 1024;

function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) errors[issue.path.join('.') || 'body'] ??= issue.message;
  return errors;
}

export function makeShopWebhookHandler(deps: ShopWebhookDeps): HttpHandler {
  const clock = deps.clock ?? (() => new Date());

  async function webhook(event: HttpEvent): Promise<HttpResult> {
    if (methodOf(event) !== 'POST') return { statusCode: 405, headers: { Allow: 'POST' }, body: '' };
    const body = rawBody(event);
    if (Buffer.byteLength(body) > MAX_BODY) return jsonResponse(413, { message: 'The body is too large.' });
    const signature = event.headers?.[SIGNATURE_HEADER];
    if (!webhookSignatureValid(body, signature, await deps.webhookSecret())) {
      deps.logger.warn('shop-webhook-bad-signature', { present: signature !== undefined });
      return jsonResponse(401, {
        message: `Missing or wrong ${SIGNATURE_HEADER}: send "sha256=" and the hex HMAC-SHA256 of the raw body.`,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return jsonResponse(400, { message: 'The body is not valid JSON.' });
    }
    const envelope = (json ?? {}) as { type?: unknown; 'detail-type'?: unknown; detail?: unknown };
    const parsed = ShopEventSchema.safeParse({
      type: envelope.type ?? envelope['detail-type'],
      detail: envelope.detail,
    });
    if (!parsed.success) {
      return jsonResponse(400, { message: 'The event needs a fix.', errors: fieldErrors(parsed.error) });
    }
    const result = await receiveShopEvent(deps, parsed.data, clock());
    deps.logger.info('shop-webhook', { type: result.type, leadId: result.leadId });
    return jsonResponse(202, { ok: true, ...result });
  }

  return httpHandler(deps.logger, 'shop-webhook', false, webhook);
}

export const handler = makeShopWebhookHandler(shopWebhookDependencies());
