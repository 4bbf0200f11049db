/*
 * The AWS quotas a quota simulation runs against, with where each default comes from. They differ per region and
 * account, so every one can be overridden by a flag; the output says which values it assumed.
 */

export interface Quotas {
  /** SES maximum send rate, emails per second (a bucket holding one second's worth). */
  readonly sesRate: number;
  /** Lambda concurrent executions in the region. */
  readonly lambdaConcurrency: number;
  /** Step Functions StartExecution token bucket. */
  readonly startBurst: number;
  readonly startRate: number;
  /** Step Functions Standard state transitions token bucket. */
  readonly transitionBurst: number;
  readonly transitionRate: number;
}

export const DEFAULT_QUOTAS: Quotas = {
  sesRate: 14,
  lambdaConcurrency: 1000,
  startBurst: 1300,
  startRate: 300,
  transitionBurst: 5000,
  transitionRate: 1500,
};

/** Where each default comes from, as the output prints it. */
export const QUOTA_SOURCES: Readonly<Record<keyof Quotas, string>> = {
  sesRate:
    'SES: a new production account (the sandbox allows 1/s and 200 a day: --ses-rate 1); yours is in the console',
  lambdaConcurrency: 'Lambda: 1,000 concurrent executions per region by default (new accounts may have less)',
  startBurst: 'Step Functions StartExecution bucket in us-east-1, us-west-2, eu-west-1 (other regions: 800)',
  startRate: 'StartExecution refill per second in those regions (other regions: 150)',
  transitionBurst: 'Step Functions Standard state transitions bucket in those regions (other regions: 800)',
  transitionRate:
    'state transitions refill per second in those regions (other regions: 500; new accounts less)',
};

/** How long each Lambda invocation holds its concurrency: assumed, as the cost table assumes 100 ms. */
export interface Durations {
  readonly sendMs: number;
  readonly refusedMs: number;
  readonly completeMs: number;
}

export const DEFAULT_DURATIONS: Durations = { sendMs: 300, refusedMs: 50, completeMs: 100 };

/** The sweeper retries a refused StartExecution on its next run (docs/architecture.md §3.4). */
export const SWEEPER_PERIOD_MS = 5 * 60_000;
