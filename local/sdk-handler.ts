/*
 * An SDK client's HTTP handler that answers in this process (or over a worker's port) instead of over a loopback
 * socket: the runtime's own clients reach dynalite and the AWS stand-ins without an HTTP client or server on either
 * side, while everything above the handler (serialization, signing, retries, the IAM check) runs as on Lambda.
 */

/** The request the SDK hands its HTTP handler, as much of it as the stand-ins read. */
export interface SdkRequest {
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string | string[] | null>;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

/** What a stand-in answers: a status, lower-cased headers and the body as text. */
export interface StandInAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The shape the SDK clients take as `requestHandler`. */
export interface InProcessHandler {
  readonly metadata: { readonly handlerProtocol: string };
  handle(request: SdkRequest): Promise<{
    response: { statusCode: number; headers: Record<string, string>; body: Uint8Array };
  }>;
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

/** The path with its query string, as a server would see it in the request line. */
export function pathOf(request: SdkRequest): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query ?? {})) {
    for (const one of Array.isArray(value) ? value : [value ?? '']) query.append(name, one);
  }
  const text = query.toString();
  return text ? `${request.path}?${text}` : request.path;
}

/** The body as text: the JSON and query protocols the stand-ins speak serialize to strings or bytes. */
export function bodyOf(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  // A view on the bytes: Buffer.from(body) would call the SDK's string adapter's valueOf, which warns.
  if (body instanceof Uint8Array)
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  throw new Error('the local stand-ins take text bodies only');
}

export const lowerCased = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

/** A handler from a function that answers one request. */
export function inProcessHandler(answer: (request: SdkRequest) => Promise<StandInAnswer>): InProcessHandler {
  return {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request) {
      const { statusCode, headers, body } = await answer(request);
      // The bytes themselves, not a stream of them: the SDK's body collector takes a Uint8Array as it is, where a
      // stream costs a collector and several turns of the event loop on every request.
      return { response: { statusCode, headers, body: Buffer.from(body, 'utf8') } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
}

/**
 * What a stand-in reads of a signature: dynalite refuses a request without an `AWS4-` Authorization header and a
 * date, and verifies nothing more; the shim reads none. Requests that never leave the process are not worth an HMAC.
 */
const unsigned = {
  async sign<R extends { headers: Record<string, string> }>(request: R): Promise<R> {
    request.headers.authorization =
      'AWS4-HMAC-SHA256 Credential=local/19700101/us-east-1/local/aws4_request, SignedHeaders=host, Signature=local';
    request.headers['x-amz-date'] = '19700101T000000Z';
    return request;
  },
};

/**
 * Points a client at `handler` instead of its endpoint's socket, unsigned. Everything else of the SDK still runs:
 * serialization, retries, the IAM check (docs/architecture.md §7).
 */
export function handOver(client: { readonly config: object }, handler: InProcessHandler | undefined): void {
  if (!handler) return;
  Object.assign(client.config, { requestHandler: handler, signer: async () => unsigned });
}
