import { parseMime } from '../adapters/mime.ts';
import * as z from '../core/zod.ts';
import { InvalidPayload } from '../domain/errors.ts';
import {
  type InboundEmailDeps,
  type InboundEmailResult,
  type Receipt,
  receiveEmail,
  type Verdicts,
} from '../domain/inbound-email.ts';
import type { RawMailStore } from '../domain/ports.ts';

/*
 * The Lambda action of the SES receipt rule for the reply domain, after its S3 action: the event names the message
 * and carries SES's verdicts on it, the raw MIME is in the bucket under `<prefix><messageId>`.
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

export interface InboundEmailHandlerDeps extends InboundEmailDeps {
  readonly rawMail: RawMailStore;
  readonly clock?: () => Date;
}

export function makeInboundEmailHandler(deps: InboundEmailHandlerDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async (event: unknown): Promise<InboundEmailResult[]> => {
    const parsed = SesReceiptEventSchema.safeParse(event);
    if (!parsed.success) throw new InvalidPayload(`SES receipt event: ${z.prettifyError(parsed.error)}`);
    const results: InboundEmailResult[] = [];
    for (const { ses } of parsed.data.Records) {
      const { messageId } = ses.mail;
      const now = clock();
      const stamp = ses.receipt.timestamp ?? ses.mail.timestamp;
      const receivedAt =
        stamp && !Number.isNaN(Date.parse(stamp)) ? new Date(stamp).toISOString() : now.toISOString();
      const receipt: Receipt = {
        messageId,
        receivedAt,
        recipients: ses.receipt.recipients,
        verdicts: verdictsOf(ses.receipt),
        ...(ses.mail.source ? { envelopeFrom: ses.mail.source } : {}),
      };
      const read = async () => {
        const raw = await deps.rawMail.get(messageId);
        if (!raw) throw new MailNotFound(`no stored mail for message ${messageId}`);
        return parseMime(raw, receipt);
      };
      const result = await receiveEmail(deps, receipt, read, now);
      deps.logger.info('inbound-email', { messageId, ...result });
      results.push(result);
    }
    return results;
  };
}
