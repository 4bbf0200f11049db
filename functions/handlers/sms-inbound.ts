import * as z from '../core/zod.ts';
import { InvalidPayload } from '../domain/errors.ts';
import { type InboundSmsDeps, type InboundSmsResult, receiveSms } from '../domain/inbound-sms.ts';

/*
 * Two-way SMS: texts to our number are published to an SNS topic that invokes this. The message is JSON with
 * originationNumber (the sender), destinationNumber (ours), messageBody and inboundMessageId.
 */

export const InboundSmsMessageSchema = z.object({
  originationNumber: z.string().check(z.regex(/^\+[1-9][0-9]{6,14}$/)),
  destinationNumber: z.string().check(z.minLength(1)),
  messageBody: z._default(z.string(), ''),
  inboundMessageId: z.optional(z.string().check(z.minLength(1))),
});

export const SnsEventSchema = z.object({
  Records: z
    .array(
      z.object({
        Sns: z.object({
          MessageId: z.string().check(z.minLength(1)),
          Message: z.string(),
          Timestamp: z.optional(z.string()),
        }),
      }),
    )
    .check(z.minLength(1)),
});

export interface SmsInboundDeps extends InboundSmsDeps {
  readonly clock?: () => Date;
}

export function makeSmsInboundHandler(deps: SmsInboundDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async (event: unknown): Promise<InboundSmsResult[]> => {
    const parsed = SnsEventSchema.safeParse(event);
    if (!parsed.success) throw new InvalidPayload(`SNS event: ${z.prettifyError(parsed.error)}`);
    const results: InboundSmsResult[] = [];
    for (const { Sns } of parsed.data.Records) {
      let json: unknown;
      try {
        json = JSON.parse(Sns.Message);
      } catch {
        throw new InvalidPayload(`SNS message ${Sns.MessageId} is not JSON`);
      }
      const message = InboundSmsMessageSchema.safeParse(json);
      if (!message.success) throw new InvalidPayload(`inbound SMS: ${z.prettifyError(message.error)}`);
      const now = clock();
      const receivedAt =
        Sns.Timestamp && !Number.isNaN(Date.parse(Sns.Timestamp))
          ? new Date(Sns.Timestamp).toISOString()
          : now.toISOString();
      const result = await receiveSms(
        deps,
        {
          id: message.data.inboundMessageId ?? Sns.MessageId,
          from: message.data.originationNumber,
          to: message.data.destinationNumber,
          body: message.data.messageBody,
          receivedAt,
        },
        now,
      );
      deps.logger.info('sms-inbound', { ...result });
      results.push(result);
    }
    return results;
  };
}
