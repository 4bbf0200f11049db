import * as z from '../core/zod.ts';
import { InvalidPayload } from '../domain/errors.ts';
import { type InboundEmailDeps, type InboundEmailResult, receiveEmail } from '../domain/inbound-email.ts';
import type { InboundSmsResult } from '../domain/inbound-sms.ts';
import { openedReply, type ParsedReply, ParsedReplySchema, REPLY_TEXT_MAX } from '../domain/parsed-reply.ts';
import { readSmsReply } from '../domain/sms-reply.ts';

/*
 * The reply reader: invoked synchronously by the mail parser (InboundEmail) with one parsed reply, or by SmsInbound
 * with a person's text, it matches the lead, reads the reply, applies the outcome and forwards it to the rep
 * (docs/architecture.md §4.1). Its error goes back to the caller, whose own retry sends the reply again; the signal's
 * id makes a retried reply apply once.
 */

/** A person's text as SmsInbound hands it over (functions/adapters/lambda-reply-reader.ts). */
export const SmsReplySchema = z.object({
  kind: z.literal('sms'),
  id: z.string().check(z.minLength(1)),
  from: z.string().check(z.regex(/^\+[1-9][0-9]{6,14}$/)),
  to: z.string().check(z.minLength(1)),
  body: z.string().check(z.maxLength(REPLY_TEXT_MAX)),
  receivedAt: z.string().check(z.refine((v) => !Number.isNaN(Date.parse(v)), { error: 'is not an instant' })),
});

export type SmsReply = z.output<typeof SmsReplySchema>;

export interface ReadReplyDeps extends InboundEmailDeps {
  readonly clock?: () => Date;
}

/** A parsed mail gets what was done with the mail, a text what was done with the text. */
export interface ReadReplyHandler {
  (event: ParsedReply): Promise<InboundEmailResult>;
  (event: SmsReply): Promise<InboundSmsResult>;
  (event: unknown): Promise<InboundEmailResult | InboundSmsResult>;
}

const isText = (event: unknown) =>
  typeof event === 'object' && event !== null && (event as { kind?: unknown }).kind === 'sms';

export function makeReadReplyHandler(deps: ReadReplyDeps): ReadReplyHandler {
  const clock = deps.clock ?? (() => new Date());
  const readText = async (event: unknown): Promise<InboundSmsResult> => {
    const parsed = SmsReplySchema.safeParse(event);
    if (!parsed.success) throw new InvalidPayload(`text reply: ${z.prettifyError(parsed.error)}`);
    const { kind: _, ...message } = parsed.data;
    const result = await readSmsReply(deps, message, clock());
    deps.logger.info('sms-inbound', { ...result });
    return result;
  };
  const readMail = async (event: unknown): Promise<InboundEmailResult> => {
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
  const handler = (event: unknown): Promise<InboundEmailResult | InboundSmsResult> =>
    isText(event) ? readText(event) : readMail(event);
  return handler as ReadReplyHandler;
}
