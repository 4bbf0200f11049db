import * as z from '../core/zod.ts';
import { InvalidPayload } from '../domain/errors.ts';
import { type InboundEmailDeps, type InboundEmailResult, receiveEmail } from '../domain/inbound-email.ts';
import { openedReply, ParsedReplySchema } from '../domain/parsed-reply.ts';

/*
 * The reply reader: invoked synchronously by the mail parser (InboundEmail) with one parsed reply, it matches the
 * lead, reads the reply, applies the outcome and forwards it to the rep (docs/architecture.md §4.1). Its error goes
 * back to the parser, whose own retry sends the mail again; the signal's id makes a retried mail apply once.
 */

export interface ReadReplyDeps extends InboundEmailDeps {
  readonly clock?: () => Date;
}

export function makeReadReplyHandler(deps: ReadReplyDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async (event: unknown): Promise<InboundEmailResult> => {
    const parsed = ParsedReplySchema.safeParse(event);
    if (!parsed.success) throw new InvalidPayload(`parsed reply: ${z.prettifyError(parsed.error)}`);
    const reply = parsed.data;
    const { receipt, mail } = openedReply(reply);
    const read = async () => {
      // Only a message SES found a virus in comes unopened, and receiveEmail never opens one.
      if (!mail) throw new InvalidPayload(`reply ${receipt.messageId} came unopened without a virus verdict`);
      return mail;
    };
    const result = await receiveEmail(deps, receipt, read, clock());
    deps.logger.info('inbound-email', {
      messageId: receipt.messageId,
      ...(reply.kind === 'mail' && reply.truncated ? { truncated: true, rawKey: reply.rawKey } : {}),
      ...result,
    });
    return result;
  };
}
