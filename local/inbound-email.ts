import type { InboundEmailResult } from '../functions/domain/inbound-email.ts';
import type { ParsedReply, ReplyReader } from '../functions/domain/parsed-reply.ts';
import type { Logger } from '../functions/domain/ports.ts';
import { makeInboundEmailHandler } from '../functions/handlers/inbound-email.ts';
import { makeReadReplyHandler, type ReadReplyDeps } from '../functions/handlers/read-reply.ts';
import type { IamEnforcer } from './iam/enforcer.ts';
import type { MemoryRawMailStore } from './raw-mail.ts';

/*
 * The SES receipt rule's two functions on one machine: the mail parser (InboundEmail) invokes the reply reader
 * (ReadReply) in process, as Lambda's synchronous Invoke would: the reply crosses as JSON, the parser's
 * lambda:InvokeFunction is evaluated, and each runs as its own role when IAM is (docs/architecture.md §4.1).
 */

export interface LocalInboundEmailOptions {
  /** The reader's dependencies, as the stack's ReadReply gets them. */
  readonly reader: Omit<ReadReplyDeps, 'clock'>;
  readonly rawMail: MemoryRawMailStore;
  readonly logger: Logger;
  readonly clock: () => Date;
  readonly iam?: IamEnforcer;
}

export function localInboundEmail(
  options: LocalInboundEmailOptions,
): (event: unknown) => Promise<InboundEmailResult[]> {
  const { iam } = options;
  const read = makeReadReplyHandler({ ...options.reader, clock: options.clock });
  const asReader = iam ? iam.as('ReadReply', read) : read;
  const readerArn = iam?.stack.functionArns.get('ReadReply');
  const reader: ReplyReader = {
    async read(reply: ParsedReply) {
      if (iam && readerArn) {
        await iam.authorize({
          client: 'LambdaClient',
          command: 'InvokeCommand',
          input: { FunctionName: readerArn },
        });
      }
      return asReader(JSON.parse(JSON.stringify(reply)));
    },
  };
  const parser = makeInboundEmailHandler({
    rawMail: options.rawMail,
    reader,
    logger: options.logger,
    clock: options.clock,
  });
  return iam ? iam.as('InboundEmail', parser) : parser;
}
