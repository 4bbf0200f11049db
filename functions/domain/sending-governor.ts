import type { SendingConfig } from '../core/config.ts';
import { fromISO, UTC_ZONE, Zoned } from '../core/zoned.ts';

/*
 * The sending governor's arithmetic (#15), pure: time is an argument. The account-wide rate is a token bucket kept as
 * its theoretical arrival time (GCRA, the same bucket written as one number): a send adds one interval to `tat`, so
 * concurrent senders' writes commute and each needs one conditional UpdateItem (functions/adapters/dynamo/sending-governor.ts).
 */

export type Channel = 'email' | 'sms';

/** Where the rate in force comes from: the config's number, the SES account, the fallback, or the local stand-in. */
export type RateSource = 'config' | 'account' | 'fallback' | 'local';

export interface SendingPolicy {
  readonly dailyCap?: number;
  readonly ramp: readonly number[];
  readonly rampStart?: string;
  /** Where a sending day begins. */
  readonly timeZone: string;
  readonly ratePerSecond: number;
  /** Tokens the bucket holds when full: one second's worth, as SES counts its rate. */
  readonly burst: number;
  readonly rateSource: RateSource;
  /** Texts: a bucket of their own (the origination number's MPS); paused with email, never capped. */
  readonly sms: { readonly ratePerSecond: number; readonly burst: number };
  readonly pause: { readonly bounceRate: number; readonly complaintRate: number; readonly overLast: number };
}

/** What SES's GetAccount says the account may send (SendQuota); -1 for Max24HourSend is no daily limit. */
export interface AccountLimits {
  readonly maxSendRate: number;
  readonly max24HourSend: number;
}

/** The limits "account" resolves to: SES's answer, the fallback after a failed lookup, or the local stand-in's. */
export type AccountAnswer =
  | { readonly source: 'account' | 'local'; readonly limits: AccountLimits }
  | { readonly source: 'fallback' };

const bucketOf = (ratePerSecond: number) => Math.max(1, Math.floor(ratePerSecond));

/** The policy in force: the config's numbers, with "account" read from `answer` (docs/architecture.md §8.12). */
export function sendingPolicy(
  config: SendingConfig,
  defaultTimeZone: string,
  answer?: AccountAnswer,
): SendingPolicy {
  const configured = typeof config.ratePerSecond === 'number' ? config.ratePerSecond : undefined;
  const fromAccount = configured === undefined;
  const known = answer && answer.source !== 'fallback' ? answer : undefined;
  const ratePerSecond =
    configured ??
    (known && known.limits.maxSendRate > 0 ? known.limits.maxSendRate : config.fallback.ratePerSecond);
  const accountCap = !fromAccount
    ? undefined
    : known
      ? known.limits.max24HourSend >= 0
        ? Math.floor(known.limits.max24HourSend)
        : undefined
      : config.fallback.dailyCap;
  const dailyCap = config.dailyCap ?? accountCap;
  return {
    ...(dailyCap !== undefined ? { dailyCap } : {}),
    ramp: config.ramp,
    ...(config.rampStart ? { rampStart: config.rampStart } : {}),
    timeZone: config.timeZone ?? defaultTimeZone,
    ratePerSecond,
    burst: bucketOf(ratePerSecond),
    rateSource: !fromAccount ? 'config' : known && known.limits.maxSendRate > 0 ? known.source : 'fallback',
    sms: { ratePerSecond: config.sms.ratePerSecond, burst: bucketOf(config.sms.ratePerSecond) },
    pause: config.pause,
  };
}

/** What the governor's one item holds. */
export interface GovernorState {
  /** The bucket's theoretical arrival time (epoch ms); absent: full. */
  readonly tat?: number;
  /** The texts' bucket, the same way. */
  readonly smsTat?: number;
  /** The sending day `sentToday` counts (YYYY-MM-DD in the policy's zone). */
  readonly day?: string;
  readonly sentToday?: number;
  /** Every send ever taken: the reputation window is the last `overLast` of them. */
  readonly sends?: number;
  readonly paused?: { readonly at: string; readonly reason: string };
  /** Set by a resume: blocks before it are the looked-at past and count no more. */
  readonly floorBlock?: number;
}

/** A token bucket: the policy itself for email, `policy.sms` for texts. */
export interface Bucket {
  readonly ratePerSecond: number;
  readonly burst: number;
}

/** One millisecond interval per token. */
export const tokenInterval = (policy: Bucket) => 1000 / policy.ratePerSecond;
/** How far ahead of now `tat` may run while a token is left: a full bucket's worth minus the one being taken. */
const tolerance = (policy: Bucket) => (policy.burst - 1) * tokenInterval(policy);
/**
 * No wave pushes `tat` further ahead of a sender's clock than the bucket's reach: one this far ahead was written by a
 * clock not on this one's timeline (simulate's leads each live at their own instant; a badly skewed host) and would
 * hold every send for that long, so the bucket starts again at now.
 */
export const FOREIGN_TAT_MS = 60_000;
const foreignAfter = (policy: Bucket, now: number) =>
  now + tolerance(policy) + tokenInterval(policy) + FOREIGN_TAT_MS;

/** Tokens in the bucket at `now`: full when idle, refilled at ratePerSecond. */
export function bucketTokens(policy: Bucket, tat: number | undefined, now: number): number {
  if (tat === undefined || tat <= now) return policy.burst;
  const left = Math.floor((now + tolerance(policy) - tat) / tokenInterval(policy)) + 1;
  return Math.min(policy.burst, Math.max(0, left));
}

/** When the next token is there (epoch ms): now when one is left. */
export function nextTokenAt(policy: Bucket, tat: number | undefined, now: number): number {
  if (tat === undefined) return now;
  return Math.max(now, tat - tolerance(policy));
}

const DAY_MS = 86_400_000;

export const sendingDay = (policy: SendingPolicy, now: number) =>
  Zoned.at(now, policy.timeZone)?.toISODate() ?? '';

/** The day's cap: ramp[n] on day n after rampStart (ramp[0] before it), then dailyCap; undefined: no cap. */
export function dailyCapOn(policy: SendingPolicy, day: string): number | undefined {
  if (policy.rampStart && policy.ramp.length > 0) {
    const n = Math.floor(
      ((fromISO(day, UTC_ZONE)?.ms ?? Number.NaN) - (fromISO(policy.rampStart, UTC_ZONE)?.ms ?? Number.NaN)) /
        DAY_MS,
    );
    const step = policy.ramp[Math.max(0, n)];
    if (step !== undefined) return policy.dailyCap === undefined ? step : Math.min(step, policy.dailyCap);
  }
  return policy.dailyCap;
}

export const nextDayStart = (policy: SendingPolicy, now: number) =>
  Zoned.at(now, policy.timeZone)?.startOfDay().plus({ days: 1 }).ms ?? Number.NaN;

/** How a send is taken: the conditions and writes of the one UpdateItem (the ledger spells them). */
export interface TakePlan {
  /** Which bucket: `tat` for email, `smsTat` for texts. Texts have no daily count and no reputation window. */
  readonly channel: Channel;
  /**
   * `idle`: the bucket is full, `tat` restarts at now + interval; `busy`: `tat` advances by one interval; `foreign`:
   * `tat` is past `foreignAfter` (another timeline's), and restarts as when idle.
   */
  readonly bucket: 'idle' | 'busy' | 'foreign';
  /** Email only. `same`: count on in today's `sentToday`; `new`: today starts at 1. */
  readonly day: 'same' | 'new';
  readonly today: string;
  readonly now: number;
  readonly interval: number;
  /** busy only: the latest `tat` that still leaves a token. */
  readonly tatLimit: number;
  /** foreign only: the `tat` beyond which the bucket restarts. */
  readonly foreignAfter: number;
  /** Marketing email only: the count today must stay under. */
  readonly cap?: number;
  /** Marketing only: refused while paused. */
  readonly pausable: boolean;
}

export type Decision =
  | { readonly kind: 'take'; readonly plan: TakePlan }
  | { readonly kind: 'wait'; readonly reason: 'rate' | 'daily-cap' | 'paused'; readonly retryAt?: number };

/**
 * From what the item holds (or the last answer's guess of it) to the write that takes one send, or why none can go
 * now. Transactional (immediate) sends are never capped or paused, but still take a token; texts take theirs from
 * their own bucket and are never capped, but wait while sending is paused (a bad list bounces texts too).
 */
export function decide(
  policy: SendingPolicy,
  state: GovernorState,
  now: number,
  transactional: boolean,
  channel: Channel = 'email',
): Decision {
  const today = sendingDay(policy, now);
  const sameDay = state.day === today;
  const bucket = channel === 'sms' ? policy.sms : policy;
  const tat = channel === 'sms' ? state.smsTat : state.tat;
  const cap = transactional || channel === 'sms' ? undefined : dailyCapOn(policy, today);
  if (!transactional && state.paused) return { kind: 'wait', reason: 'paused' };
  if (cap !== undefined && sameDay && (state.sentToday ?? 0) >= cap) {
    return { kind: 'wait', reason: 'daily-cap', retryAt: nextDayStart(policy, now) };
  }
  const foreign = tat !== undefined && tat > foreignAfter(bucket, now);
  if (!foreign && bucketTokens(bucket, tat, now) < 1) {
    return { kind: 'wait', reason: 'rate', retryAt: nextTokenAt(bucket, tat, now) };
  }
  const idle = tat === undefined || tat < now;
  return {
    kind: 'take',
    plan: {
      channel,
      bucket: foreign ? 'foreign' : idle ? 'idle' : 'busy',
      day: sameDay ? 'same' : 'new',
      today,
      now,
      interval: tokenInterval(bucket),
      tatLimit: now + tolerance(bucket),
      foreignAfter: foreignAfter(bucket, now),
      ...(cap !== undefined ? { cap } : {}),
      pausable: !transactional,
    },
  };
}

/** The state a taken send leaves, as the next send's guess (other senders may have moved it since). */
export function afterTake(state: GovernorState, plan: TakePlan): GovernorState {
  const before = plan.channel === 'sms' ? state.smsTat : state.tat;
  const tat = plan.bucket === 'busy' ? (before ?? plan.now) + plan.interval : plan.now + plan.interval;
  if (plan.channel === 'sms') return { ...state, smsTat: tat };
  return {
    ...state,
    tat,
    day: plan.today,
    sentToday: plan.day === 'same' ? (state.sentToday ?? 0) + 1 : 1,
    sends: (state.sends ?? 0) + 1,
  };
}

/*
 * The reputation window. Bounces and complaints are counted in blocks of sends (by the send count when they arrive,
 * a bounce comes minutes after its send); the window is the blocks covering the last `overLast` sends.
 */

export const WINDOW_BLOCKS = 10;
export const blockSize = (policy: SendingPolicy) =>
  Math.max(1, Math.ceil(policy.pause.overLast / WINDOW_BLOCKS));
const rawBlock = (policy: SendingPolicy, sends: number) => Math.floor(sends / blockSize(policy));
/** The block a bounce or complaint arriving now is counted in. */
export const blockOf = (policy: SendingPolicy, state: GovernorState) =>
  Math.max(rawBlock(policy, state.sends ?? 0), state.floorBlock ?? 0);
/** The first block inside the window ending now. */
export const windowStart = (policy: SendingPolicy, state: GovernorState) =>
  Math.max(rawBlock(policy, Math.max(0, (state.sends ?? 0) - policy.pause.overLast)), state.floorBlock ?? 0);
/** The floor a resume sets: the window starts empty. */
export const floorAfterResume = (policy: SendingPolicy, state: GovernorState) => blockOf(policy, state) + 1;

export interface ReputationCounts {
  readonly bounces: number;
  readonly complaints: number;
}

export interface Reputation extends ReputationCounts {
  /** Sends the rates are over: the last overLast, or fewer while the sender is new. */
  readonly sends: number;
  readonly bounceRate: number;
  readonly complaintRate: number;
  /** Which threshold is reached, if any. */
  readonly breach?: 'bounce' | 'complaint';
  /** This outcome paused marketing sends (recordOutcome): the owner is told. */
  readonly paused?: boolean;
}

// Float noise must not move a count that sits exactly on its threshold (0.04 × 500 = 20 bounces) either way.
const reaches = (count: number, threshold: number) => count >= threshold - 1e-9;

/**
 * Rates over the window. A threshold is reached when the window's count is at least rate × overLast: once the window
 * is full that is the rate itself, and a new sender with fewer sends pauses only on counts that no clean sends
 * could bring back under it.
 */
export function reputation(policy: SendingPolicy, sends: number, counts: ReputationCounts): Reputation {
  const { bounceRate, complaintRate, overLast } = policy.pause;
  const over = Math.min(sends, overLast);
  const rates = {
    sends: over,
    bounceRate: over > 0 ? counts.bounces / over : 0,
    complaintRate: over > 0 ? counts.complaints / over : 0,
  };
  const breach = reaches(counts.bounces, bounceRate * overLast)
    ? 'bounce'
    : reaches(counts.complaints, complaintRate * overLast)
      ? 'complaint'
      : undefined;
  return { ...counts, ...rates, ...(breach ? { breach } : {}) };
}
