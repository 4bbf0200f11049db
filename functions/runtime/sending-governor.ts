import { DynamoSendingLedger } from '../adapters/dynamo/sending-governor.ts';
import type { SendingConfig } from '../core/config.ts';
import { sendingPolicy } from '../domain/sending-governor.ts';
import { SendingGovernor } from '../domain/sending-governor-service.ts';
import type { AwsClients } from './clients.ts';

/** The `sending` block's governor over the table (#15, docs/architecture.md §8.12). */
export function sendingGovernor(
  sending: SendingConfig,
  settings: { readonly tableName: string; readonly defaultTimeZone: string },
  clients: Pick<AwsClients, 'documents'>,
): SendingGovernor {
  const ledger = new DynamoSendingLedger({ client: clients.documents, tableName: settings.tableName });
  return new SendingGovernor(ledger, sendingPolicy(sending, settings.defaultTimeZone));
}
