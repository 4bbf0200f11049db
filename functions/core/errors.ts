/*
 * The error classes everything else builds on. Lambda reports `error.name` as the error type and a Retry or Catch
 * matches on it, so each name is a string literal: a class name would not survive esbuild's minifier.
 */

/**
 * A problem a person caused and can fix from the message alone (a bad flag, config field or cadence file): every
 * entry point prints it as one line, `followup: <message>`, with no stack trace.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}

/** A flag, file or target the person named is wrong: the CLI prints its message as one line and exits 1. */
export class UsageError extends UserError {
  override readonly name = 'UsageError';
}

/** The lead left the cadence (reply, unsubscribe, bounce, purchase…): the execution ends in "Exited". */
export class LeadExited extends Error {
  override readonly name = 'LeadExited';
}

/** A throttle or throughput error from SES, SNS or DynamoDB: the state machine retries with backoff and jitter. */
export class TransientError extends Error {
  override readonly name: string = 'TransientError';
}

/**
 * The sending governor has no capacity for this email now (rate, daily cap, or a reputation pause): nothing was sent
 * and the claim is given back, as for any TransientError, but the Task retries it for hours with its own Retrier.
 */
export class SendingCapacity extends TransientError {
  override readonly name = 'SendingCapacity';
  constructor(
    /** `window`: capacity came back outside the step's send window, which it waits for (§8.12). */
    readonly reason: 'rate' | 'daily-cap' | 'paused' | 'contention' | 'window',
    /** When capacity is expected back (epoch ms); undefined while paused: only `followup sending resume` ends it. */
    readonly retryAt?: number,
  ) {
    super(`no sending capacity (${reason}); the touch retries later`);
  }
}
