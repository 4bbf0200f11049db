import type { InboundEmailResult } from '../functions/domain/inbound-email.ts';
import type { InboundSms, InboundSmsResult, SmsReplyReader } from '../functions/domain/inbound-sms.ts';
import type { ParsedReply, ReplyReader } from '../functions/domain/parsed-reply.ts';
import type { Logger } from '../functions/domain/ports.ts';
import { makeInboundEmailHandler } from '../functions/handlers/inbound-email.ts';
import { makeReadReplyHandler, type ReadReplyDeps } from '../functions/handlers/read-reply.ts';
import type { IamEnforcer } from './iam/enforcer.ts';
import type { MemoryRawMailStore } from './raw-mail.ts';

/*
 * The reply reader (ReadReply) and the functions that invoke it, on one machine: the mail parser (InboundEmail) and
 * SmsInbound call it in process, as Lambda's synchronous Invoke would: the reply crosses as JSON, the caller's
 * lambda:InvokeFunction is evaluated, and each runs as its own role when IAM is (docs/architecture.md §4.1).
 */

export interface LocalReplyReaderOptions {
  /** The reader's dependencies, as the stack's ReadReply gets them. */
  readonly reader: Omit<ReadReplyDeps, 'clock'>;
  readonly clock: () => Date;
  readonly iam?: IamEnforcer;
}

export function localReplyReader(options: LocalReplyReaderOptions): ReplyReader & SmsReplyReader {
  const { iam } = options;
  const read = makeReadReplyHandler({ ...options.reader, clock: options.clock });
  const asReader = iam ? iam.as('ReadReply', read) : read;
  const readerArn = iam?.stack.functionArns.get('ReadReply');
  const invoke = async (payload: unknown) => {
    if (iam && readerArn) {
      await iam.authorize({
        client: 'LambdaClient',
        command: 'InvokeCommand',
        input: { FunctionName: readerArn },
      });
    }
    return asReader(JSON.parse(JSON.stringify(payload)));
  };
  return {
    read: async (reply: ParsedReply) => (await invoke(reply)) as InboundEmailResult,
    readSms: async (message: InboundSms) => (await invoke({ kind: 'sms', ...message })) as InboundSmsResult,
  };
}

export interface LocalInboundEmailOptions extends LocalReplyReaderOptions {
  readonly rawMail: MemoryRawMailStore;
  readonly logger: Logger;
}

export function localInboundEmail(
  options: LocalInboundEmailOptions,
): (event: unknown) => Promise<InboundEmailResult[]> {
  const parser = makeInboundEmailHandler({
    rawMail: options.rawMail,
    reader: localReplyReader(options),
    logger: options.logger,
    clock: options.clock,
  });
  return options.iam ? options.iam.as('InboundEmail', parser) : parser;
}
