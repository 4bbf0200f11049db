import { DynamoSendingLedger } from '../adapters/dynamo/sending-governor.ts';
import type { SendingConfig } from '../core/config.ts';
import type { Logger } from '../domain/ports.ts';
import { sendingPolicy } from '../domain/sending-governor.ts';
import { AccountPolicy, type SendQuotaSource } from '../domain/sending-governor-account.ts';
import { SendingGovernor, type SendingLedger } from '../domain/sending-governor-service.ts';
import type { AwsClients } from './clients.ts';

/*
 * The `sending` block's governor (#15, docs/architecture.md §8.12). SesEvents and the CLI count bounces and resume
 * over the ledger alone; the Touch's governor also knows the account's limits (touch-governor.ts), so the SES client
 * and its GetAccount stay out of every other bundle (§9).
 */

/** A governor over any ledger; with `"ratePerSecond": "account"` and a `quota`, the account's limits, cached. */
export function governorOver(
  sending: SendingConfig,
  defaultTimeZone: string,
  parts: { readonly ledger: SendingLedger; readonly quota?: SendQuotaSource; readonly logger?: Logger },
): SendingGovernor {
  const base = sendingPolicy(sending, defaultTimeZone);
  if (typeof sending.ratePerSecond === 'number' || !parts.quota)
    return new SendingGovernor(parts.ledger, base);
  const account = new AccountPolicy(sending, defaultTimeZone, parts.quota, (error) =>
    parts.logger?.warn('sending-account-unread', {
      error: error instanceof Error ? error.name : String(error),
      fallbackRatePerSecond: sending.fallback.ratePerSecond,
      fallbackDailyCap: sending.fallback.dailyCap,
    }),
  );
  return new SendingGovernor(parts.ledger, base, (now) => account.at(now));
}

/** The governor over the table; `quota` answers "account" (without one, the rate is the fallback's). */
export function sendingGovernor(
  sending: SendingConfig,
  settings: { readonly tableName: string; readonly defaultTimeZone: string },
  clients: Pick<AwsClients, 'documents'>,
  options: { readonly quota?: SendQuotaSource; readonly logger?: Logger } = {},
): SendingGovernor {
  const ledger = new DynamoSendingLedger({ client: clients.documents, tableName: settings.tableName });
  return governorOver(sending, settings.defaultTimeZone, { ...options, ledger });
}
