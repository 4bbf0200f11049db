import { SendingCapacity } from '../core/errors.ts';
import {
  afterTake,
  blockOf,
  blockSize,
  bucketTokens,
  type Channel,
  dailyCapOn,
  decide,
  floorAfterResume,
  type GovernorState,
  type Reputation,
  type ReputationCounts,
  reputation,
  type SendingPolicy,
  sendingDay,
  type TakePlan,
  windowStart,
} from './sending-governor.ts';

/*
 * The sending governor over its ledger (#15): one conditional write per email decides it may go, before SES is
 * called; bounces and complaints from the SES event path fill the reputation window and pause marketing sends.
 */

export type TakeAnswer = { readonly taken: true } | { readonly taken: false; readonly state: GovernorState };

/** Where the governor's state lives: one item for the bucket, the day's count and the pause; one per block of sends. */
export interface SendingLedger {
  /** The plan's one conditional write; when its condition fails, the item as it is now. */
  take(plan: TakePlan): Promise<TakeAnswer>;
  read(): Promise<GovernorState>;
  count(kind: 'bounce' | 'complaint', block: number): Promise<void>;
  /** The bounces and complaints counted in blocks from `fromBlock` on. */
  counts(fromBlock: number): Promise<ReputationCounts>;
  /** Pauses marketing sends unless already paused; true when this call paused them. */
  pause(at: string, reason: string): Promise<boolean>;
  /** Ends a pause and sets the window's floor; true when there was a pause. */
  resume(floorBlock: number): Promise<boolean>;
}

export interface SendingStatus {
  readonly day: string;
  readonly dailyCap?: number;
  readonly sentToday: number;
  readonly ratePerSecond: number;
  /** Where that rate comes from: the config's number, SES's GetAccount, the fallback, or the local stand-in. */
  readonly rateSource: SendingPolicy['rateSource'];
  readonly tokens: number;
  readonly burst: number;
  readonly sms: { readonly ratePerSecond: number; readonly tokens: number; readonly burst: number };
  readonly reputation: Reputation;
  readonly paused?: { readonly at: string; readonly reason: string };
}

// Concurrent senders move the item between the read and the write; past this many tries the Task's retry decides.
const TAKE_TRIES = 4;

export class SendingGovernor {
  // The last state seen: the next send's first guess, so a warm function usually needs one write and no read.
  private guess: GovernorState = {};
  // One take at a time in this process: the guess is never stale against this process's own writes, so a send costs
  // one write however many touches run here at once (a Lambda runs one; the local runtime and simulate several).
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ledger: SendingLedger,
    readonly policy: SendingPolicy,
    /** `"ratePerSecond": "account"`: the policy as the account's limits make it (AccountPolicy.at). */
    private readonly policyAt: (now: Date) => Promise<SendingPolicy> = async () => policy,
  ) {}

  /** Takes one send's capacity, or throws SendingCapacity: nothing went out, and the Task retries later. */
  take(now: Date, transactional: boolean, channel: Channel = 'email'): Promise<void> {
    const taken = this.turn.then(() => this.takeNow(now, transactional, channel));
    this.turn = taken.catch(() => undefined);
    return taken;
  }

  private async takeNow(now: Date, transactional: boolean, channel: Channel): Promise<void> {
    const policy = await this.policyAt(now);
    const at = now.getTime();
    for (let attempt = 0; attempt < TAKE_TRIES; attempt++) {
      const decision = decide(policy, this.guess, at, transactional, channel);
      if (decision.kind === 'wait') {
        // A guess may be stale: only what the item says now refuses a send.
        if (attempt === 0) {
          this.guess = await this.ledger.read();
          continue;
        }
        throw new SendingCapacity(decision.reason, decision.retryAt);
      }
      const answer = await this.ledger.take(decision.plan);
      if (answer.taken) {
        this.guess = afterTake(this.guess, decision.plan);
        return;
      }
      this.guess = answer.state;
    }
    const bucket = channel === 'sms' ? policy.sms : policy;
    throw new SendingCapacity('contention', at + 1000 / bucket.ratePerSecond);
  }

  /** Counts a bounce or complaint in the window; pauses marketing sends when a threshold is reached. */
  async recordOutcome(kind: 'bounce' | 'complaint', now: Date): Promise<Reputation> {
    const state = await this.ledger.read();
    await this.ledger.count(kind, blockOf(this.policy, state));
    const counts = await this.ledger.counts(windowStart(this.policy, state));
    const rep = reputation(this.policy, this.windowSends(state), counts);
    if (rep.breach && !state.paused) {
      const rate = rep.breach === 'bounce' ? rep.bounceRate : rep.complaintRate;
      const paused = await this.ledger.pause(
        now.toISOString(),
        `${rep.breach} rate ${(rate * 100).toFixed(2)}% over the last ${rep.sends} sends`,
      );
      if (paused) return { ...rep, paused };
    }
    return rep;
  }

  async status(now: Date): Promise<SendingStatus> {
    const policy = await this.policyAt(now);
    const state = await this.ledger.read();
    const at = now.getTime();
    const day = sendingDay(policy, at);
    const cap = dailyCapOn(policy, day);
    return {
      day,
      ...(cap !== undefined ? { dailyCap: cap } : {}),
      sentToday: state.day === day ? (state.sentToday ?? 0) : 0,
      ratePerSecond: policy.ratePerSecond,
      rateSource: policy.rateSource,
      tokens: bucketTokens(policy, state.tat, at),
      burst: policy.burst,
      sms: {
        ratePerSecond: policy.sms.ratePerSecond,
        tokens: bucketTokens(policy.sms, state.smsTat, at),
        burst: policy.sms.burst,
      },
      reputation: reputation(
        policy,
        this.windowSends(state),
        await this.ledger.counts(windowStart(policy, state)),
      ),
      ...(state.paused ? { paused: state.paused } : {}),
    };
  }

  /** Ends a pause after a look; the window starts empty, so the bounces already looked at do not pause it again. */
  async resume(): Promise<boolean> {
    const state = await this.ledger.read();
    this.guess = {};
    return this.ledger.resume(floorAfterResume(this.policy, state));
  }

  /** Sends the window's rates are over: since the floor a resume set, at most overLast. */
  private windowSends(state: GovernorState): number {
    const sends = state.sends ?? 0;
    const sinceFloor = sends - (state.floorBlock ?? 0) * blockSize(this.policy);
    return Math.max(0, Math.min(sends, sinceFloor));
  }
}
