import { randomUUID } from 'node:crypto';

/* The one builder of API Gateway events on the local runtime: its routes, simulate and the signal routes use it. */

/** An HTTP API (payload 2.0) request, as API Gateway hands it to Lambda. */
export function httpEvent(
  method: string,
  path: string,
  options: {
    body?: string;
    headers?: Record<string, string>;
    pathParameters?: Record<string, string>;
    routeKey?: string;
  } = {},
) {
  const headers = options.headers ?? {};
  return {
    version: '2.0',
    routeKey: options.routeKey ?? `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers,
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `local-${randomUUID()}`,
      routeKey: options.routeKey ?? `${method} ${path}`,
      stage: '$default',
      timeEpoch: Date.now(),
    },
    body: options.body ?? '',
    isBase64Encoded: false,
  };
}
