import type { SendingConfig } from '../../functions/core/config.ts';
import type { GovernorState, ReputationCounts, TakePlan } from '../../functions/domain/sending-governor.ts';
import { sendingPolicy } from '../../functions/domain/sending-governor.ts';
import {
  SendingGovernor,
  type SendingLedger,
  type TakeAnswer,
} from '../../functions/domain/sending-governor-service.ts';
import { metered, type Requests } from './request-units.ts';

/*
 * The governor's ledger in memory (#15): the one item SENDING / GOVERNOR and its blocks of bounces and complaints,
 * each take checked against the same condition the DynamoDB ledger's UpdateItem carries (takeRequest in
 * functions/adapters/dynamo/sending-governor.ts), so simulate governs, and bills, as the table would.
 */

type Item = { -readonly [K in keyof GovernorState]: GovernorState[K] };

/** Whether the plan's condition holds on the item: takeRequest's ConditionExpression, clause by clause. */
export function planHolds(plan: TakePlan, item: GovernorState): boolean {
  const tat = plan.channel === 'sms' ? item.smsTat : item.tat;
  const bucket =
    plan.bucket === 'busy'
      ? tat !== undefined && tat >= plan.now && tat <= plan.tatLimit
      : plan.bucket === 'idle'
        ? tat === undefined || tat < plan.now
        : tat !== undefined && tat > plan.foreignAfter;
  if (!bucket) return false;
  if (plan.channel === 'email') {
    if (plan.day === 'same') {
      if (item.day !== plan.today) return false;
      if (plan.cap !== undefined && !((item.sentToday ?? 0) < plan.cap)) return false;
    } else if (item.day === plan.today) return false;
  }
  return !(plan.pausable && item.paused);
}

export class MemorySendingLedger implements SendingLedger {
  private item: Item = {};
  private readonly blocks = new Map<number, { bounces: number; complaints: number }>();

  async take(plan: TakePlan): Promise<TakeAnswer> {
    if (!planHolds(plan, this.item)) return { taken: false, state: { ...this.item } };
    const tat = plan.channel === 'sms' ? this.item.smsTat : this.item.tat;
    const next = plan.bucket === 'busy' ? (tat ?? plan.now) + plan.interval : plan.now + plan.interval;
    if (plan.channel === 'sms') this.item.smsTat = next;
    else {
      this.item.tat = next;
      this.item.sentToday = plan.day === 'same' ? (this.item.sentToday ?? 0) + 1 : 1;
      this.item.day = plan.today;
      this.item.sends = (this.item.sends ?? 0) + 1;
    }
    return { taken: true };
  }

  async read(): Promise<GovernorState> {
    return { ...this.item };
  }

  async count(kind: 'bounce' | 'complaint', block: number): Promise<void> {
    const counts = this.blocks.get(block) ?? { bounces: 0, complaints: 0 };
    if (kind === 'bounce') counts.bounces++;
    else counts.complaints++;
    this.blocks.set(block, counts);
  }

  async counts(fromBlock: number): Promise<ReputationCounts> {
    let bounces = 0;
    let complaints = 0;
    for (const [block, counts] of this.blocks) {
      if (block < fromBlock) continue;
      bounces += counts.bounces;
      complaints += counts.complaints;
    }
    return { bounces, complaints };
  }

  async pause(at: string, reason: string): Promise<boolean> {
    if (this.item.paused) return false;
    this.item.paused = { at, reason };
    return true;
  }

  async resume(floorBlock: number): Promise<boolean> {
    if (!this.item.paused) return false;
    delete this.item.paused;
    this.item.floorBlock = floorBlock;
    return true;
  }
}

/**
 * What each ledger call costs on DynamoDB, as DynamoSendingLedger sends it: a take is one conditional UpdateItem (a
 * failed one is billed too) and, when it fails, the GetItem that reads the item back; the counts are one Query.
 */
export const SENDING_LEDGER_REQUESTS: Parameters<typeof metered<SendingLedger, MemorySendingLedger>>[1] = {
  take: () => (answer) => (answer.taken ? { reads: 0, writes: 1 } : { reads: 1, writes: 1 }),
  read: () => () => ({ reads: 1, writes: 0 }),
  count: () => () => ({ reads: 0, writes: 1 }),
  counts: () => () => ({ reads: 1, writes: 0 }),
  pause: () => () => ({ reads: 0, writes: 1 }),
  resume: () => () => ({ reads: 0, writes: 1 }),
};

/** The memory engine's governor: the `sending` block as the local runtime runs it (numbers only, see localSending). */
export function memorySendingGovernor(
  sending: SendingConfig,
  defaultTimeZone: string,
  requests: Requests,
): SendingGovernor {
  const ledger = metered(new MemorySendingLedger(), SENDING_LEDGER_REQUESTS, requests);
  return new SendingGovernor(ledger, sendingPolicy(sending, defaultTimeZone));
}
