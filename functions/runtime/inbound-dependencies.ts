import { LambdaReplyReader } from '../adapters/lambda-reply-reader.ts';
import { S3RawMailStore } from '../adapters/s3-raw-mail-store.ts';
import type { InboundEmailHandlerDeps } from '../handlers/inbound-email.ts';
import type { AwsClients } from './clients.ts';
import type { SettingsOf } from './env.ts';
import { createLogger } from './logger.ts';

/*
 * The mail parser's dependencies (InboundEmail): the receipt rule's bucket and the reader it hands each reply to.
 * Apart from the signals' wiring, so its bundle holds none of the table's, the executions' or SES's code
 * (docs/architecture.md §4.1, §9).
 */
export function inboundEmailDependencies(
  settings: SettingsOf<'InboundEmail'> & { readonly readReplyFunction: string },
  clients: Pick<AwsClients, 's3' | 'lambda'>,
): InboundEmailHandlerDeps {
  return {
    rawMail: new S3RawMailStore({
      client: clients.s3,
      bucket: settings.inboundBucket,
      prefix: settings.inboundPrefix,
    }),
    reader: new LambdaReplyReader({ client: clients.lambda, functionName: settings.readReplyFunction }),
    logger: createLogger(settings.serviceName, settings.logLevel),
  };
}
