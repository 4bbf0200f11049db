/*
 * Errors that cross into Step Functions. Lambda reports `error.name` as the error type and a Retry or Catch
 * matches on it, so each name is a string literal: a class name would not survive esbuild's minifier.
 */

/** The lead left the cadence (reply, unsubscribe, bounce, purchase…): the execution ends in "Exited". */
export class LeadExited extends Error {
  override readonly name = 'LeadExited';
}

/** A throttle or throughput error from SES, SNS or DynamoDB: the state machine retries with backoff and jitter. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}
