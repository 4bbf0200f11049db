import { fieldErrors } from '../core/field-errors.ts';
import * as z from '../core/zod.ts';
import {
  receiveWebhookEvent,
  type ShopDeps,
  ShopEventSchema,
  verifyWebhook,
  WEBHOOK_TOLERANCE_SECONDS,
  type WebhookVerdict,
  webhookEventKey,
} from '../domain/shop.ts';
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
 * `{"id": "<event id>", "type": "cart.abandoned" | "order.completed", "detail": {...}}`, signed with the webhook
 * secret: `X-Followup-Timestamp: <unix seconds>` and `X-Followup-Signature: sha256=<hex HMAC-SHA256 of
 * timestamp + "." + the raw body>`, compared in constant time. A second delivery of an event is answered
 * 200 {"duplicate": true} and does nothing.
 */

export interface ShopWebhookDeps extends ShopDeps {
  /** The webhook secret, read once per cold start. */
  readonly webhookSecret: () => Promise<string>;
  /** The time events happen at (the local runtime's may run ahead of the real one). */
  readonly clock?: () => Date;
  /** The real time, that a sender's timestamp is checked against; the system clock unless a test sets one. */
  readonly wallClock?: () => Date;
}

/** Lower case, as the header normalizer leaves them. */
export const SIGNATURE_HEADER = 'x-followup-signature';
export const TIMESTAMP_HEADER = 'x-followup-timestamp';
const MAX_BODY = 64 * 1024;

const HOW_TO_SIGN =
  'send X-Followup-Timestamp: <unix seconds> and X-Followup-Signature: "sha256=" + the hex HMAC-SHA256 of the timestamp + "." + the raw body';

/** The event's own id, optional: a shop that sends one gets duplicates recognised by it. */
const EnvelopeSchema = z.object({
  id: z.optional(z.string({ error: 'must be text, the event id' }).check(z.minLength(1), z.maxLength(200))),
});

function refusal(verdict: Exclude<WebhookVerdict, { ok: true }>): string {
  switch (verdict.problem) {
    case 'timestamp':
      return `Missing or malformed X-Followup-Timestamp: ${HOW_TO_SIGN}.`;
    case 'signature':
      return `Missing or wrong X-Followup-Signature: ${HOW_TO_SIGN}.`;
    case 'skew':
      return `X-Followup-Timestamp is ${Math.abs(verdict.skewSeconds)} s ${verdict.skewSeconds > 0 ? 'behind' : 'ahead of'} our clock (at most ${WEBHOOK_TOLERANCE_SECONDS} s either way): sign each request as you send it (the timestamp + "." + the raw body), with the sender's clock in sync (NTP).`;
    default:
      return verdict satisfies never;
  }
}

export function makeShopWebhookHandler(deps: ShopWebhookDeps): HttpHandler {
  const clock = deps.clock ?? (() => new Date());
  const wallClock = deps.wallClock ?? (() => new Date());

  async function webhook(event: HttpEvent): Promise<HttpResult> {
    if (methodOf(event) !== 'POST') return { statusCode: 405, headers: { Allow: 'POST' }, body: '' };
    const body = rawBody(event);
    if (Buffer.byteLength(body) > MAX_BODY) return jsonResponse(413, { message: 'The body is too large.' });
    const headers = {
      signature: event.headers?.[SIGNATURE_HEADER],
      timestamp: event.headers?.[TIMESTAMP_HEADER],
    };
    const verdict = verifyWebhook(body, headers, await deps.webhookSecret(), wallClock());
    if (!verdict.ok) {
      deps.logger.warn('shop-webhook-refused', {
        problem: verdict.problem,
        signed: headers.signature !== undefined,
      });
      return jsonResponse(401, { message: refusal(verdict) });
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return jsonResponse(400, { message: 'The body is not valid JSON.' });
    }
    const envelope = (json ?? {}) as {
      id?: unknown;
      type?: unknown;
      'detail-type'?: unknown;
      detail?: unknown;
    };
    const parsed = ShopEventSchema.safeParse({
      type: envelope.type ?? envelope['detail-type'],
      detail: envelope.detail,
    });
    const id = EnvelopeSchema.safeParse({ id: envelope.id });
    if (!parsed.success || !id.success) {
      const errors = {
        ...(id.success ? {} : fieldErrors(id.error, 'path')),
        ...(parsed.success ? {} : fieldErrors(parsed.error, 'path')),
      };
      return jsonResponse(400, { message: 'The event needs a fix.', errors });
    }
    const received = await receiveWebhookEvent(deps, parsed.data, webhookEventKey(body, id.data.id), clock());
    if (received.duplicate) return jsonResponse(200, { ok: true, duplicate: true });
    const { result } = received;
    deps.logger.info('shop-webhook', { type: result.type, leadId: result.leadId });
    return jsonResponse(202, { ok: true, ...result });
  }

  return httpHandler(deps.logger, 'shop-webhook', false, webhook);
}
