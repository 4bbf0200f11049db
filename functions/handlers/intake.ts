import middy, { type MiddlewareObj } from '@middy/core';
import httpCors from '@middy/http-cors';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpUrlencodeBodyParser from '@middy/http-urlencode-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { executionInput, executionName } from '../core/execution-input.ts';
import type { FieldErrors } from '../core/field-errors.ts';
import { html } from '../core/html.ts';
import { type EnrollDeps, type Enrollment, enrollLead } from '../domain/enroll.ts';
import { leadIdFor } from '../domain/lead.ts';
import { parseSubmission } from '../domain/lead-input.ts';
import type { Logger } from '../domain/ports.ts';
import { errorResponses, HttpError, jsonResponse } from '../runtime/http.ts';

/*
 * POST /leads (docs/architecture.md §3.3, §8.8): a signup as JSON or a form post becomes a lead enrolled in its
 * cadence. JSON clients get 202 with the enrollment; browsers get 303 to a thank-you page. Bad fields get 400 naming
 * each field; nothing here ever answers with a stack trace.
 */

export interface IntakeDeps extends EnrollDeps {
  /** The cadences a signup may name. */
  readonly allowedCadences: () => Promise<readonly string[]>;
  readonly defaultCadence: string;
  /** Origins whose pages may post here, and that a thank-you redirect may go to. */
  readonly allowedOrigins: readonly string[];
  readonly logger: Logger;
  readonly clock?: () => Date;
}

export const MAX_BODY_BYTES = 10 * 1024;
export const DEFAULT_THANK_YOU = '/thanks';

type Event = Omit<APIGatewayProxyEventV2, 'body'> & { body?: unknown };
type Result = APIGatewayProxyStructuredResultV2;

/** Refuses bodies over the limit before anything parses them. */
const bodyLimit = (maxBytes: number): MiddlewareObj<Event, Result> => ({
  before: ({ event }) => {
    if (typeof event.body !== 'string') return;
    const bytes = Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
    if (bytes > maxBytes) {
      throw new HttpError(413, `The form is too large: keep it under ${Math.floor(maxBytes / 1024)} KB.`);
    }
  },
});

/** JSON for API clients (Accept: application/json, or a JSON body); a redirect or a page for browsers. */
function wantsJson(headers: Readonly<Record<string, string | undefined>>): boolean {
  const accept = headers.accept ?? '';
  if (/application\/json/i.test(accept)) return true;
  if (/json/i.test(headers['content-type'] ?? '')) return true;
  return false;
}

/** The thank-you page: a same-site path, or a URL on an allowed origin; anything else gets the default. */
export function thankYouLocation(redirect: string | undefined, allowedOrigins: readonly string[]): string {
  if (!redirect) return DEFAULT_THANK_YOU;
  if (/^\/(?![/\\])\S*$/.test(redirect)) return redirect;
  if (!URL.canParse(redirect)) return DEFAULT_THANK_YOU;
  const url = new URL(redirect);
  return allowedOrigins.includes(url.origin) ? url.href : DEFAULT_THANK_YOU;
}

function errorPage(errors: FieldErrors): string {
  const items = Object.entries(errors).map(
    ([field, message]) => html`<li><strong>${field}</strong> ${message}</li>`,
  );
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Please check the form</title></head>
<body><h1>Please check the form</h1><ul>
${items}
</ul><p><a href="javascript:history.back()">Go back to the form</a></p></body></html>`.value;
}

/** A Lambda handler for the HTTP API's payload format 2.0. */
export type IntakeHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<Result>;

export function makeIntakeHandler(deps: IntakeDeps): IntakeHandler {
  const clock = deps.clock ?? (() => new Date());

  const respond = (
    event: Event,
    leadId: string,
    enrollment: Enrollment,
    redirect: string | undefined,
  ): Result =>
    wantsJson(event.headers ?? {})
      ? jsonResponse(202, { leadId, enrollment })
      : { statusCode: 303, headers: { Location: thankYouLocation(redirect, deps.allowedOrigins) }, body: '' };

  /** What a bot that filled the honeypot is told: a plausible success. Nothing is stored or started. */
  async function pretend(
    email: string,
    cadenceId: string,
    now: Date,
  ): Promise<{ leadId: string; enrollment: Enrollment }> {
    const leadId = leadIdFor(email);
    const cadence = await deps.cadences.get(cadenceId);
    if (!cadence)
      return { leadId, enrollment: { status: 'not-enrolled', cadence: cadenceId, reason: 'suppressed' } };
    const id = executionName(leadId, cadence.id, now);
    const zone = cadence.timezone ?? deps.defaultTimeZone;
    const { schedule } = executionInput(cadence, { leadId, enrollmentId: id, enrolledAt: now, zone });
    return { leadId, enrollment: { status: 'started', id, cadence: cadence.id, schedule } };
  }

  async function intake(event: Event): Promise<Result> {
    const now = clock();
    const headers = event.headers ?? {};
    if (event.body === undefined || event.body === null || event.body === '') {
      throw new HttpError(400, 'The request has no body; post the form fields, as JSON or form-encoded.');
    }
    if (typeof event.body === 'string') {
      throw new HttpError(415, 'Send the fields as application/json or application/x-www-form-urlencoded.');
    }
    const parsed = parseSubmission(event.body, {
      allowedCadences: await deps.allowedCadences(),
      defaultCadence: deps.defaultCadence,
      now,
      ...(headers.referer ? { page: headers.referer } : {}),
    });
    switch (parsed.kind) {
      case 'invalid':
        deps.logger.info('intake-invalid', { fields: Object.keys(parsed.errors) });
        return wantsJson(headers)
          ? jsonResponse(400, { message: 'Some fields need a fix.', errors: parsed.errors })
          : {
              statusCode: 400,
              headers: { 'Content-Type': 'text/html; charset=utf-8' },
              body: errorPage(parsed.errors),
            };
      case 'bot': {
        deps.logger.info('intake-honeypot');
        const fake = await pretend(parsed.email, parsed.cadenceId, now);
        return respond(event, fake.leadId, fake.enrollment, parsed.redirect);
      }
      case 'lead': {
        const result = await enrollLead(
          deps,
          // A failed start leaves the lead safe for the sweeper: the person posting is told it is pending (§3.4).
          {
            profile: parsed.profile,
            cadenceId: parsed.cadenceId,
            source: 'intake',
            reactivate: true,
            pendingOnFailedStart: true,
          },
          now,
        );
        deps.logger.info('intake-accepted', {
          leadId: result.leadId,
          created: result.created,
          cadence: parsed.cadenceId,
          enrollment: result.enrollment.status,
        });
        return respond(event, result.leadId, result.enrollment, parsed.redirect);
      }
      default:
        throw new Error(`unknown submission ${JSON.stringify(parsed satisfies never)}`);
    }
  }

  const handler = middy<Event, Result, Error, Context>()
    .use(httpHeaderNormalizer())
    // The last line of defence: whatever escapes becomes a plain 500, never a stack trace.
    .use(
      httpErrorHandler({
        logger: false,
        fallbackMessage: JSON.stringify({ message: 'Something went wrong.' }),
      }),
    );
  if (deps.allowedOrigins.length > 0) {
    handler.use(httpCors({ origins: [...deps.allowedOrigins], methods: 'POST', vary: 'Origin' }));
  }
  const wrapped = handler
    .use(errorResponses(deps.logger, 'intake', false))
    .use(bodyLimit(MAX_BODY_BYTES))
    .use(httpJsonBodyParser({ disableContentTypeError: true }))
    .use(httpUrlencodeBodyParser({ disableContentTypeError: true }))
    .handler(intake);
  // The parsers' types widen the event; what Lambda passes in is the raw API Gateway event.
  return (event, context) => wrapped(event as Parameters<typeof wrapped>[0], context);
}
