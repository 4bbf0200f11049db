import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody as readLimitedBody } from '../http-body.ts';

/* How the local server answers: HTML or JSON, a handler's answer relayed as API Gateway would, bad requests. */

/** Above every handler's own limit (the intake's 10 KB, the webhook's 64 KB), so each still answers in its words. */
const MAX_BODY = 256 * 1024;

export const readBody = (req: IncomingMessage) => readLimitedBody(req, MAX_BODY);

/** A request this server refuses with 400 and the message. */
export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

/** A link whose token is not valid %-encoding (`/u/%zz`): the link is damaged, not the server. */
export function decodedToken(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new BadRequest('this link is damaged (a bad %-escape); open the link from the email again');
  }
}

export function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
  res.end(body);
}

export const sendJson = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, `${JSON.stringify(value, null, 2)}\n`, { 'content-type': 'application/json' });

/** What an HTTP API Lambda answers. */
export interface HttpAnswer {
  readonly statusCode?: number;
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly body?: string;
}

/** Writes a handler's answer as API Gateway would. */
export function relayAnswer(res: ServerResponse, result: HttpAnswer) {
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.body ?? '');
}

/** The request's headers as API Gateway hands them on: lower-case names, repeated values joined. */
export function headersOf(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [
      k.toLowerCase(),
      Array.isArray(v) ? v.join(',') : (v ?? ''),
    ]),
  );
}
