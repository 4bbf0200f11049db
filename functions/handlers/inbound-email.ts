import { parseMime } from '../adapters/mime.ts';
import * as z from '../core/zod.ts';
import { InvalidPayload } from '../domain/errors.ts';
import type { InboundEmailResult, Receipt, Verdicts } from '../domain/inbound-email.ts';
import { type ParsedReply, parsedReply, quarantinedReply, type ReplyReader } from '../domain/parsed-reply.ts';
import type { Logger, RawMailStore } from '../domain/ports.ts';

/*
 * The mail parser: the Lambda action of the SES receipt rule for the reply domain, after its S3 action. The event
 * names the message and carries SES's verdicts on it; the raw MIME is in the bucket under `<prefix><messageId>`.
 * It opens the untrusted MIME and hands the reply, bounded, to the reader (ReadReply) and waits for it: its role
 * may read the bucket and invoke the reader, nothing else (docs/architecture.md §4.1, §8.9).
 */

/** The receipt rule stored no object for the message: its S3 action or the prefix is misconfigured. */
export class MailNotFound extends Error {
  override readonly name = 'MailNotFound';
}

// A status SES may add later reads as no verdict rather than failing the whole event.
const verdict = z.catch(
  z.optional(z.object({ status: z.enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED']) })),
  undefined,
);
const text = () => z.optional(z.string());

export const SesReceiptEventSchema = z.object({
  Records: z
    .array(
      z.object({
        ses: z.object({
          mail: z.object({
            messageId: z.string().check(z.minLength(1)),
            timestamp: text(),
            // The envelope MAIL FROM: the address SES's SPF verdict is about.
            source: text(),
          }),
          receipt: z._default(
            z.object({
              timestamp: text(),
              recipients: z._default(z.array(z.string()), []),
              spamVerdict: verdict,
              virusVerdict: verdict,
              spfVerdict: verdict,
              dkimVerdict: verdict,
              dmarcVerdict: verdict,
            }),
            { recipients: [] },
          ),
        }),
      }),
    )
    .check(z.minLength(1)),
});

type SesReceipt = z.output<typeof SesReceiptEventSchema>['Records'][number]['ses']['receipt'];

function verdictsOf(receipt: SesReceipt): Verdicts {
  const {
    spamVerdict: spam,
    virusVerdict: virus,
    spfVerdict: spf,
    dkimVerdict: dkim,
    dmarcVerdict: dmarc,
  } = receipt;
  return {
    ...(spam ? { spam: spam.status } : {}),
    ...(virus ? { virus: virus.status } : {}),
    ...(spf ? { spf: spf.status } : {}),
    ...(dkim ? { dkim: dkim.status } : {}),
    ...(dmarc ? { dmarc: dmarc.status } : {}),
  };
}

export interface InboundEmailHandlerDeps {
  /** The receipt rule's bucket; `keyOf` names a message's object, which the reply carries for the rep. */
  readonly rawMail: RawMailStore & { keyOf(messageId: string): string };
  readonly reader: ReplyReader;
  readonly logger: Logger;
  readonly clock?: () => Date;
}

export function makeInboundEmailHandler(deps: InboundEmailHandlerDeps) {
  const clock = deps.clock ?? (() => new Date());
  /** The message opened and bounded; one SES found a virus in is never fetched. */
  const open = async (receipt: Receipt): Promise<ParsedReply> => {
    const rawKey = deps.rawMail.keyOf(receipt.messageId);
    if (receipt.verdicts.virus === 'FAIL') return quarantinedReply(receipt, rawKey);
    const raw = await deps.rawMail.get(receipt.messageId);
    if (!raw) throw new MailNotFound(`no stored mail for message ${receipt.messageId}`);
    const reply = parsedReply(await parseMime(raw, receipt), rawKey);
    if (reply.kind === 'mail' && reply.truncated) {
      deps.logger.warn('inbound-email-truncated', { messageId: receipt.messageId, rawKey });
    }
    return reply;
  };
  return async (event: unknown): Promise<InboundEmailResult[]> => {
    const parsed = SesReceiptEventSchema.safeParse(event);
    if (!parsed.success) throw new InvalidPayload(`SES receipt event: ${z.prettifyError(parsed.error)}`);
    const results: InboundEmailResult[] = [];
    for (const { ses } of parsed.data.Records) {
      const stamp = ses.receipt.timestamp ?? ses.mail.timestamp;
      const receivedAt =
        stamp && !Number.isNaN(Date.parse(stamp)) ? new Date(stamp).toISOString() : clock().toISOString();
      const receipt: Receipt = {
        messageId: ses.mail.messageId,
        receivedAt,
        recipients: ses.receipt.recipients,
        verdicts: verdictsOf(ses.receipt),
        ...(ses.mail.source ? { envelopeFrom: ses.mail.source } : {}),
      };
      // The reader's failure is this invocation's: SES's asynchronous retry sends the mail again.
      results.push(await deps.reader.read(await open(receipt)));
    }
    return results;
  };
}
