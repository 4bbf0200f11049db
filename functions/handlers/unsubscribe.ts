import { html } from '../core/html.ts';
import { applySignal, type SignalDeps } from '../domain/signals.ts';
import { type SigningKey, verifyToken } from '../domain/tokens.ts';
import {
  type HttpEvent,
  type HttpHandler,
  type HttpResult,
  htmlResponse,
  httpHandler,
  messagePage,
  methodOf,
  page,
  pathParameter,
} from '../runtime/http.ts';

/*
 * GET /u/{token}: a page that asks, with one button (a GET must change nothing: mail scanners follow links).
 * POST /u/{token}: RFC 8058 one-click unsubscribe (body `List-Unsubscribe=One-Click`, no login), and the page's
 * button. The token is the HMAC-signed lead id of every email's List-Unsubscribe header, checked in constant time.
 */

export interface UnsubscribeDeps extends SignalDeps {
  /** The key that signs unsubscribe tokens (the touch's). */
  readonly signingKey: () => Promise<SigningKey>;
  readonly businessName: string;
  readonly clock?: () => Date;
}

const TOKEN_PATH = /^\/u\/([^/]+)\/?$/;

export function makeUnsubscribeHandler(deps: UnsubscribeDeps): HttpHandler {
  const clock = deps.clock ?? (() => new Date());
  const business = deps.businessName;

  async function unsubscribe(event: HttpEvent): Promise<HttpResult> {
    const token = pathParameter(event, 'token', TOKEN_PATH);
    const leadId = token ? verifyToken(token, await deps.signingKey()) : undefined;
    if (!leadId) {
      deps.logger.info('unsubscribe-bad-token');
      return htmlResponse(
        400,
        messagePage(
          'This link does not work',
          'The unsubscribe link is incomplete or was changed. Use the link at the bottom of any email from us, or reply to it and ask.',
        ),
      );
    }
    switch (methodOf(event)) {
      case 'GET':
      case 'HEAD':
        return htmlResponse(
          200,
          page(
            'Unsubscribe?',
            html`<p>Stop all emails from ${business}?</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
          ),
        );
      case 'POST': {
        const now = clock();
        const result = await applySignal(
          deps,
          {
            v: 1,
            type: 'unsubscribe',
            // Unsubscribing is a state, not an occurrence: a second click is the same signal.
            id: `unsubscribe:${leadId}`,
            leadId,
            at: now.toISOString(),
            source: 'list-unsubscribe',
          },
          now,
        );
        deps.logger.info('unsubscribe', { leadId, outcome: result.outcome });
        return htmlResponse(
          200,
          page("You're unsubscribed", html`<p>You will get no more emails from ${business}.</p>`),
        );
      }
      default:
        return { statusCode: 405, headers: { Allow: 'GET, POST' }, body: '' };
    }
  }

  return httpHandler(deps.logger, 'unsubscribe', true, unsubscribe);
}
