import type { SendingConfig } from '../core/config.ts';
import {
  type AccountAnswer,
  type AccountLimits,
  type SendingPolicy,
  sendingPolicy,
} from './sending-governor.ts';

/*
 * `"ratePerSecond": "account"` (#15): the governor's rate and default daily cap are what SES's GetAccount says the
 * account may send (its SendQuota), asked at most once per REFRESH_MS per function instance and never on the send's
 * path more than that; a failed lookup falls back to the config's `fallback` (the sandbox's limits) and is logged once
 * (docs/architecture.md §8.12).
 */

/** Where the account's limits are read: SES's GetAccount on AWS, the config's `local` block on the local runtime. */
export interface SendQuotaSource {
  readonly source: 'account' | 'local';
  sendQuota(): Promise<AccountLimits>;
}

/** An account's quota moves only when AWS raises it (or it leaves the sandbox): a few lookups an hour see that. */
export const ACCOUNT_REFRESH_MS = 15 * 60_000;

export class AccountPolicy {
  private answer?: { readonly policy: SendingPolicy; readonly until: number };
  private asking?: Promise<SendingPolicy>;
  private warned = false;

  constructor(
    private readonly config: SendingConfig,
    private readonly defaultTimeZone: string,
    private readonly quota: SendQuotaSource,
    /** Told once, the first time the lookup fails: the fallback is in force until a lookup succeeds. */
    private readonly onFallback: (error: unknown) => void,
  ) {}

  /** The policy in force at `now`: the cached answer, or one lookup shared by every send that asks meanwhile. */
  at(now: Date): Promise<SendingPolicy> {
    const at = now.getTime();
    if (this.answer && at < this.answer.until) return Promise.resolve(this.answer.policy);
    this.asking ??= this.ask(at).finally(() => {
      this.asking = undefined;
    });
    return this.asking;
  }

  private async ask(at: number): Promise<SendingPolicy> {
    let answer: AccountAnswer;
    try {
      answer = { source: this.quota.source, limits: await this.quota.sendQuota() };
    } catch (error) {
      if (!this.warned) this.onFallback(error);
      this.warned = true;
      answer = { source: 'fallback' };
    }
    const policy = sendingPolicy(this.config, this.defaultTimeZone, answer);
    // A failed lookup is asked again after the same wait: no retry storm against SES from every send.
    this.answer = { policy, until: at + ACCOUNT_REFRESH_MS };
    return policy;
  }
}
