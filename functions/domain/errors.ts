/*
 * Permanent failures. Like the errors in core/errors.ts, each `name` is a string literal (a class name would not
 * survive minification) because Step Functions and the HTTP layer match on it.
 */

/** SES refused the message for good (rejected content, unverified sender, paused account): fail the execution. */
export class SendRejected extends Error {
  override readonly name = 'SendRejected';
  constructor(
    /** The provider's error name, e.g. "MessageRejected". */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`the message was rejected (${reason})`, options);
  }
}

/**
 * The provider may have sent the message: the request went out and the answer was lost (a timeout, a reset
 * connection, a server error). Sending again could send twice, so the touch keeps its claim and is not retried.
 */
export class SendUnconfirmed extends Error {
  override readonly name = 'SendUnconfirmed';
}

/** A cadence named by a signup or a `then` that this deployment does not have. */
export class CadenceNotFound extends Error {
  override readonly name = 'CadenceNotFound';
  constructor(readonly cadenceId: string) {
    super(`no cadence "${cadenceId}" in this deployment`);
  }
}

/** A Step Functions payload that does not have the shape the compiled definition sends. */
export class InvalidPayload extends Error {
  override readonly name = 'InvalidPayload';
}

/** A lead id that has no record (deleted on request, or never stored). */
export class LeadNotFound extends Error {
  override readonly name = 'LeadNotFound';
  constructor(readonly leadId: string) {
    super(`no lead ${leadId}`);
  }
}

/**
 * An enrollment whose execution would still be waiting for its last touch when Step Functions ends it: a Standard
 * execution runs at most one year, and one that times out leaves its lead stuck where it was (snoozed, enrolled).
 */
export class ExecutionTooLong extends Error {
  override readonly name = 'ExecutionTooLong';
  constructor(
    readonly cadenceId: string,
    /** When StartExecution is asked for: the execution's clock starts then, not at its first touch. */
    readonly requestedAt: string,
    readonly lastTouchAt: string,
    readonly limitDays: number,
  ) {
    const days = Math.floor((Date.parse(lastTouchAt) - Date.parse(requestedAt)) / 86_400_000);
    super(
      `cadence "${cadenceId}": an execution requested at ${requestedAt} would make its last touch at ${lastTouchAt}, ${days} days later; Step Functions ends a Standard execution at one year, so the last touch must come within ${limitDays} days of the start: start it sooner or shorten the cadence`,
    );
  }
}

/**
 * Step Functions refused a StartExecution that no retry will change (access denied, no such state machine, an input
 * it rejects): the enrollment waits for someone to fix the cause. `reason` is the provider's error name.
 */
export class StartRefused extends Error {
  override readonly name = 'StartRefused';
  constructor(
    readonly reason: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${reason}: ${message}`, options);
  }
}
