import { TransientError } from '../core/errors.ts';
import { SendUnconfirmed } from '../domain/errors.ts';

/*
 * Which AWS errors are worth a retry. The SDK has already retried each call a few times; what still fails here is
 * handed to Step Functions (TransientError: retried with backoff and jitter) or fails loudly.
 */

const THROTTLING = new Set([
  // SES v2, SNS, Step Functions, Secrets Manager
  'TooManyRequestsException',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  // DynamoDB
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

/** Connection failures that never reached a decision on the server. */
const NETWORK = new Set([
  'TimeoutError',
  'RequestTimeout',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

interface AwsErrorShape {
  readonly name?: string;
  readonly code?: string;
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: { readonly httpStatusCode?: number };
}

export function errorName(error: unknown): string {
  const e = error as AwsErrorShape | undefined;
  return e?.name ?? e?.code ?? typeof error;
}

export function isTransient(error: unknown): boolean {
  if (error instanceof TransientError) return true;
  const e = (error ?? {}) as AwsErrorShape;
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (
    THROTTLING.has(e.name ?? '') ||
    NETWORK.has(e.name ?? '') ||
    NETWORK.has(e.code ?? '') ||
    e.$fault === 'server' ||
    status >= 500
  );
}

/** Refused before anything was decided (throttled, or the connection never opened): safe to send again. */
export function neverSent(error: unknown): boolean {
  const e = (error ?? {}) as AwsErrorShape;
  return THROTTLING.has(e.name ?? '') || e.code === 'ECONNREFUSED' || e.name === 'ECONNREFUSED';
}

/**
 * For sends (SES, SNS): throttling is retried; a timeout, a reset or a server error may have sent the message, so it
 * is SendUnconfirmed (at most one send per touch beats at least one); anything else is rethrown as it is.
 */
export function rethrowSend(error: unknown, service: string): never {
  if (neverSent(error)) throw new TransientError(`${service}: ${errorName(error)}`, { cause: error });
  if (isTransient(error)) throw new SendUnconfirmed(`${service}: ${errorName(error)}`, { cause: error });
  throw error;
}

/** Rethrows a transient error as TransientError (the name Step Functions retries on), anything else as it is. */
export function rethrow(error: unknown, service: string): never {
  if (error instanceof TransientError) throw error;
  if (isTransient(error)) {
    throw new TransientError(`${service}: ${errorName(error)}`, { cause: error });
  }
  throw error;
}
