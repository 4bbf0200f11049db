import type { Channel } from '../../functions/core/cadence-schema.ts';
import type { Retrier } from '../../functions/core/compile.ts';
import { EventQueue } from './event-queue.ts';
import { type Durations, type Quotas, SWEEPER_PERIOD_MS } from './quotas.ts';
import { retrierFor, retryDelaySeconds } from './retry.ts';
import { TokenBucket } from './token-bucket.ts';

/*
 * One world of the quota simulation as discrete events: each lead's execution starts (StartExecution bucket), waits
 * for each touch's instant, enters the Task (state-transition bucket: a throttled transition waits), invokes the touch
 * Lambda (concurrency: over it the invoke fails with Lambda.TooManyRequestsException), which sends through SES (its
 * rate: over it SES throttles and the touch throws TransientError) or, with the governor, first takes a token from the
 * shared bucket (none: SendingCapacity). A failed attempt is retried by the compiled Retry; one past its attempts
 * fails the execution. Calls and tasks email the owner through SES, through the governor too when it is on; texts go
 * through SNS, whose quota is not modelled. No lead replies: every touch is due, the worst case.
 */

export type World = 'without governor' | 'with governor';

export interface WorldInput {
  readonly world: World;
  /** Epoch ms each lead signs up. */
  readonly arrivals: Float64Array;
  /** Epoch ms of lead i's touch k at [i * channels.length + k]. */
  readonly schedule: Float64Array;
  readonly channels: readonly Channel[];
  readonly retriers: readonly Retrier[];
  readonly quotas: Quotas;
  readonly durations: Durations;
  readonly random: () => number;
}

export interface WorldFigures {
  readonly executions: number;
  readonly completed: number;
  readonly failedExecutions: number;
  readonly duplicateSends: number;
  readonly touchesSent: number;
  readonly throttles: {
    readonly ses: number;
    readonly governor: number;
    readonly lambda: number;
    readonly startExecution: number;
    readonly transitionsDelayed: number;
  };
  /** Throttles met by touches that then went out. */
  readonly throttlesAbsorbed: number;
  readonly retries: number;
  readonly lateness: {
    readonly p50Seconds: number;
    readonly p95Seconds: number;
    readonly maxSeconds: number;
  };
  readonly firstFailure?: { readonly error: string; readonly step: number; readonly attempts: number };
}

const OK = 0;
const ERRORS = ['', 'TransientError', 'SendingCapacity', 'Lambda.TooManyRequestsException'] as const;
const SES_THROTTLED = 1;
const NO_CAPACITY = 2;
const LAMBDA_THROTTLED = 3;

const START = 0;
const WAKE = 1;
const ENTER = 2;
const END = 3;

/** An event's payload: its lead, kind, error and whether it holds a Lambda's concurrency, in one number. */
const pack = (lead: number, kind: number, error = OK, held = false) =>
  lead * 32 + kind * 8 + error * 2 + (held ? 1 : 0);

/** The p-th quantile of `values` (sorted in place), nearest rank. */
export function quantile(values: Float64Array, p: number): number {
  if (values.length === 0) return 0;
  return values[Math.min(values.length - 1, Math.max(0, Math.ceil(p * values.length) - 1))] as number;
}

export function runWorld(input: WorldInput): WorldFigures {
  const { arrivals, schedule, channels, retriers, quotas, durations, random, world } = input;
  const leads = arrivals.length;
  const steps = channels.length;
  const governed = world === 'with governor';
  const ses = new TokenBucket(quotas.sesRate, quotas.sesRate);
  const governor = new TokenBucket(Math.max(1, Math.floor(quotas.sesRate)), quotas.sesRate);
  const starts = new TokenBucket(quotas.startBurst, quotas.startRate);
  const transitions = new TokenBucket(quotas.transitionBurst, quotas.transitionRate);
  const step = new Uint8Array(leads);
  const attempts = new Uint16Array(leads * retriers.length);
  const throttledNow = new Uint16Array(leads);
  const sends = new Uint8Array(leads * steps);
  const lateness = new Float64Array(leads * steps);
  let late = 0;
  let inUse = 0;
  const figures = {
    executions: 0,
    completed: 0,
    failedExecutions: 0,
    duplicateSends: 0,
    touchesSent: 0,
    throttles: { ses: 0, governor: 0, lambda: 0, startExecution: 0, transitionsDelayed: 0 },
    throttlesAbsorbed: 0,
    retries: 0,
  };
  let firstFailure: WorldFigures['firstFailure'];
  const queue = new EventQueue();
  for (let i = 0; i < leads; i++) queue.push(arrivals[i] as number, pack(i, START));

  // A state entered: its transition token, or the wait for one.
  const transition = (now: number) => {
    const at = transitions.reserve(now);
    if (at > now) figures.throttles.transitionsDelayed++;
    return at;
  };
  const waitFor = (lead: number, now: number) => {
    const k = step[lead] as number;
    const due = k < steps ? (schedule[lead * steps + k] as number) : now;
    queue.push(Math.max(due, transition(now)), pack(lead, WAKE));
  };

  while (queue.pop()) {
    const now = queue.time;
    const lead = Math.floor(queue.value / 32);
    const kind = (queue.value >> 3) & 3;
    const eventError = (queue.value >> 1) & 3;
    const held = (queue.value & 1) === 1;
    switch (kind) {
      case START:
        if (!starts.tryTake(now)) {
          figures.throttles.startExecution++;
          queue.push((Math.floor(now / SWEEPER_PERIOD_MS) + 1) * SWEEPER_PERIOD_MS, pack(lead, START));
        } else {
          figures.executions++;
          waitFor(lead, now);
        }
        break;
      case WAKE:
        queue.push(transition(now), pack(lead, ENTER));
        break;
      case ENTER: {
        if (inUse >= quotas.lambdaConcurrency) {
          queue.push(now, pack(lead, END, LAMBDA_THROTTLED));
          break;
        }
        inUse++;
        const k = step[lead] as number;
        const channel = k < steps ? channels[k] : undefined;
        let error = OK;
        // A lead's email and a rep's call or task notice are each one SES send, and each takes a token first.
        const mailed = channel === 'email' || channel === 'call' || channel === 'task';
        if (mailed && governed && !governor.tryTake(now)) error = NO_CAPACITY;
        else if (mailed && !ses.tryTake(now)) {
          error = SES_THROTTLED;
        }
        if (error === OK && channel !== undefined) {
          const touch = lead * steps + k;
          sends[touch] = (sends[touch] as number) + 1;
          if (sends[touch] === 2) figures.duplicateSends++;
          figures.touchesSent++;
          lateness[late++] = (now - (schedule[touch] as number)) / 1000;
        }
        const took =
          channel === undefined
            ? durations.completeMs
            : error === NO_CAPACITY
              ? durations.refusedMs
              : durations.sendMs;
        queue.push(now + took, pack(lead, END, error, true));
        break;
      }
      case END: {
        if (held) inUse--;
        const error = eventError;
        if (error === OK) {
          figures.throttlesAbsorbed += throttledNow[lead] as number;
          throttledNow[lead] = 0;
          attempts.fill(0, lead * retriers.length, (lead + 1) * retriers.length);
          step[lead] = (step[lead] as number) + 1;
          if ((step[lead] as number) > steps) {
            figures.completed++;
            transition(now);
          } else waitFor(lead, now);
          break;
        }
        if (error === SES_THROTTLED) figures.throttles.ses++;
        else if (error === NO_CAPACITY) figures.throttles.governor++;
        else figures.throttles.lambda++;
        throttledNow[lead] = (throttledNow[lead] as number) + 1;
        const name = ERRORS[error] as string;
        const r = retrierFor(retriers, name);
        const used = r < 0 ? 0 : (attempts[lead * retriers.length + r] as number);
        const retrier = retriers[r];
        if (!retrier || used >= retrier.MaxAttempts) {
          figures.failedExecutions++;
          firstFailure ??= { error: name, step: step[lead] as number, attempts: used };
          break;
        }
        attempts[lead * retriers.length + r] = used + 1;
        figures.retries++;
        queue.push(now + retryDelaySeconds(retrier, used, random) * 1000, pack(lead, WAKE));
        break;
      }
    }
  }
  const sorted = lateness.subarray(0, late).sort();
  return {
    ...figures,
    lateness: {
      p50Seconds: Math.round(quantile(sorted, 0.5)),
      p95Seconds: Math.round(quantile(sorted, 0.95)),
      maxSeconds: Math.round(late > 0 ? (sorted[late - 1] as number) : 0),
    },
    ...(firstFailure ? { firstFailure } : {}),
  };
}
