import type { SendingConfig } from '../../functions/core/config.ts';

/*
 * The local runtime has no SES account to ask (aws-ses-v2-local has no GetAccount), so `"ratePerSecond": "account"`
 * is answered from the config's `sending.local` block (default 14 a second, no daily cap unless it names one): the
 * same policy the Touch would build from GetAccount's answer, with no call (docs/architecture.md §8.12).
 */

export const LOCAL_RATE_SOURCE = 'sending.local: the local runtime has no SES account to ask';

/** The `sending` block as the local runtime and simulate run it: "account" read as `sending.local`. */
export function localSending(sending: SendingConfig): SendingConfig {
  if (typeof sending.ratePerSecond === 'number') return sending;
  const dailyCap = sending.dailyCap ?? sending.local.dailyCap;
  return {
    ...sending,
    ratePerSecond: sending.local.ratePerSecond,
    ...(dailyCap !== undefined ? { dailyCap } : {}),
  };
}
