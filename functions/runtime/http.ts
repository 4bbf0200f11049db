import middy, { type MiddlewareObj } from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { TransientError } from '../core/errors.ts';
import { html, type SafeHtml } from '../core/html.ts';
import type { Logger } from '../domain/ports.ts';

/*
 * What the signal endpoints share: the HTTP API's payload 2.0 in and out, small HTML pages for people who click a
 * link, JSON for clients, and errors that never show a stack trace.
 */

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type HttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/** An answer decided early: a bad token, a body too large. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    /** Answer with an HTML page rather than JSON. */
    readonly html = false,
  ) {
    super(message);
  }
}

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  'Referrer-Policy': 'no-referrer',
};

export const htmlResponse = (statusCode: number, body: string): HttpResult => ({
  statusCode,
  headers: PAGE_HEADERS,
  body,
});

export const jsonResponse = (statusCode: number, value: unknown, headers: Record<string, string> = {}) => ({
  statusCode,
  headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
  body: JSON.stringify(value),
});

/** A small page: a title and its body, escaped by the `html` tag as it is built. */
export function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}
button{font:inherit;padding:.5rem 1.25rem;border-radius:.375rem;border:1px solid #555;background:#222;color:#fff;cursor:pointer}
label{display:block;margin:.75rem 0 .25rem}input,textarea{font:inherit;padding:.25rem .5rem}</style></head>
<body><h1>${title}</h1>
${body}
</body></html>`.value;
}

export const messagePage = (title: string, message: string) => page(title, html`<p>${message}</p>`);

/** The body as sent: API Gateway base64-encodes what it takes for binary. */
export function rawBody(event: HttpEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** A path parameter, or the segment after `prefix` in the raw path when the route gave none. */
export function pathParameter(event: HttpEvent, name: string, pattern: RegExp): string | undefined {
  const given = event.pathParameters?.[name];
  if (given) return given;
  const match = pattern.exec(event.rawPath ?? '');
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

export const methodOf = (event: HttpEvent) => event.requestContext?.http?.method?.toUpperCase() ?? 'GET';

/**
 * Every failure as a short page or message; the details go to the log, with ids at most. `html` picks the shape
 * of the answers an HttpError does not choose itself.
 */
export const errorResponses = (
  logger: Logger,
  name: string,
  html: boolean,
): MiddlewareObj<HttpEvent, HttpResult> => ({
  onError: (request) => {
    const error = request.error;
    const answer = (
      status: number,
      message: string,
      asHtml: boolean,
      headers: Record<string, string> = {},
    ) =>
      asHtml
        ? {
            statusCode: status,
            headers: { ...PAGE_HEADERS, ...headers },
            body: messagePage(status < 500 ? 'Sorry' : 'Something went wrong', message),
          }
        : jsonResponse(status, { message }, headers);
    if (error instanceof HttpError) {
      request.response = answer(error.statusCode, error.message, error.html);
    } else if ((error as { statusCode?: number } | null)?.statusCode === 422) {
      // What middy's JSON body parser throws for a body that does not parse.
      request.response = answer(400, 'The body is not valid JSON.', html);
    } else if (error instanceof TransientError) {
      logger.warn(`${name}-busy`, { error: error.message });
      request.response = answer(503, 'We are busy right now; please try again in a minute.', html, {
        'Retry-After': '30',
      });
    } else {
      logger.error(`${name}-failed`, { error: error?.name });
      request.response = answer(500, 'Something went wrong on our side; please try again later.', html);
    }
  },
});

/** Wraps a handler with header normalization and error answers; `html` picks the shape of unexpected errors. */
export function httpHandler(
  logger: Logger,
  name: string,
  html: boolean,
  handle: (event: HttpEvent) => Promise<HttpResult>,
): HttpHandler {
  const wrapped = middy<HttpEvent, HttpResult, Error, Context>()
    .use(httpHeaderNormalizer())
    // The last line of defence: whatever escapes becomes a plain 500, never a stack trace.
    .use(httpErrorHandler({ logger: false, fallbackMessage: 'Something went wrong.' }))
    .use(errorResponses(logger, name, html))
    .handler(handle);
  return (event, context) => wrapped(event, context);
}
