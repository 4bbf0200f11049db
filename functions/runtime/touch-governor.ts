import { SesSendQuota } from '../adapters/ses-send-quota.ts';
import type { SendingConfig } from '../core/config.ts';
import type { Logger } from '../domain/ports.ts';
import type { SendQuotaSource } from '../domain/sending-governor-account.ts';
import type { SendingGovernor } from '../domain/sending-governor-service.ts';
import type { AwsClients } from './clients.ts';
import { sendingGovernor } from './sending-governor.ts';

/**
 * The Touch's governor: "account" is SES's GetAccount on AWS; the local runtime hands `quota` in, answered from the
 * config's `sending.local` (aws-ses-v2-local has no GetAccount; docs/architecture.md §8.12).
 */
export function touchGovernor(
  sending: SendingConfig,
  settings: { readonly tableName: string; readonly defaultTimeZone: string },
  clients: Pick<AwsClients, 'documents' | 'ses'>,
  logger: Logger,
  quota?: SendQuotaSource,
): SendingGovernor {
  return sendingGovernor(sending, settings, clients, {
    logger,
    quota: quota ?? new SesSendQuota(() => clients.ses),
  });
}
