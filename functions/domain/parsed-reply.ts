import * as z from '../core/zod.ts';
import type { InboundEmailResult, InboundMail, Receipt } from './inbound-email.ts';

/*
 * What the mail parser (InboundEmail) hands the reply reader (ReadReply): a received email, opened and bounded, or
 * only its receipt when SES found a virus (docs/architecture.md §4.1). It crosses a trust boundary — the parser
 * reads untrusted MIME and holds no other grant — so the reader parses it with this schema before anything else.
 */

const VERDICT = z.enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED']);
/** RFC 5322's line limit: an address, a subject or a header value longer than this is not one a mailer wrote. */
const LINE_MAX = 998;
const line = () => z.string().check(z.maxLength(LINE_MAX));

/** The reply's text is cut at this many characters; the reader reads 8,000 and the rep's forward shows 20,000. */
export const REPLY_TEXT_MAX = 100_000;
/** Enough for every recipient a reply names (envelope, To and Cc); more is a mass mailing, not a reply. */
export const RECIPIENTS_MAX = 100;
/** Headers kept (the first value of each); the reader looks at the few that mark a machine's answer. */
export const HEADERS_MAX = 100;
/** What the cut text ends with, so the rep knows where the whole message is. */
const cutNote = (rawKey: string) =>
  `\n[… cut at ${REPLY_TEXT_MAX} characters; the whole message is stored as ${rawKey}]`;
const NOTE_MAX = 200;

const receipt = {
  v: z.literal(1),
  channel: z.literal('email'),
  messageId: z.string().check(z.minLength(1), z.maxLength(LINE_MAX)),
  receivedAt: z.iso.datetime({ offset: true }),
  /** Where the raw mail stays in the receipt rule's bucket (its lifecycle keeps it 90 days). */
  rawKey: z.string().check(z.maxLength(1024)),
  recipients: z.array(line()).check(z.maxLength(RECIPIENTS_MAX)),
  verdicts: z.object({
    spam: z.optional(VERDICT),
    virus: z.optional(VERDICT),
    spf: z.optional(VERDICT),
    dkim: z.optional(VERDICT),
    dmarc: z.optional(VERDICT),
  }),
  envelopeFrom: z.optional(line()),
};

export const ParsedReplySchema = z.discriminatedUnion('kind', [
  /** SES found a virus: the parser never fetched the message. */
  z.object({ kind: z.literal('quarantined'), ...receipt }),
  z.object({
    kind: z.literal('mail'),
    ...receipt,
    from: z.optional(line()),
    fromName: z.optional(line()),
    subject: line(),
    text: z.string().check(z.maxLength(REPLY_TEXT_MAX + NOTE_MAX)),
    /** The text was longer than REPLY_TEXT_MAX and was cut: the stored raw mail is whole. */
    truncated: z.optional(z.literal(true)),
    headers: z.record(z.string().check(z.maxLength(LINE_MAX)), line()).check(
      z.refine((h) => Object.keys(h).length <= HEADERS_MAX, {
        error: `holds more than ${HEADERS_MAX} headers`,
      }),
    ),
  }),
]);

export type ParsedReply = z.output<typeof ParsedReplySchema>;

/** The reply reader, as the parser sees it: one parsed reply in, what was done with it out. */
export interface ReplyReader {
  read(reply: ParsedReply): Promise<InboundEmailResult>;
}

/** Cuts a string at `max` UTF-16 units without leaving half a surrogate pair at the end. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

function receiptPart(r: Receipt, rawKey: string) {
  return {
    v: 1 as const,
    channel: 'email' as const,
    messageId: r.messageId,
    receivedAt: r.receivedAt,
    rawKey,
    recipients: r.recipients.slice(0, RECIPIENTS_MAX).map((a) => cut(a, LINE_MAX)),
    verdicts: { ...r.verdicts },
    ...(r.envelopeFrom ? { envelopeFrom: cut(r.envelopeFrom, LINE_MAX) } : {}),
  };
}

/** A receipt SES found a virus in, for the reader to quarantine unopened. */
export function quarantinedReply(r: Receipt, rawKey: string): ParsedReply {
  return { kind: 'quarantined', ...receiptPart(r, rawKey) };
}

/**
 * An opened mail as the reader gets it: every field bounded. The new words of a reply sit above its quoted
 * history, so cutting the text's end drops old history first; a cut text says so, and says where the whole one is.
 */
export function parsedReply(mail: InboundMail, rawKey: string): ParsedReply {
  const truncated = mail.text.length > REPLY_TEXT_MAX;
  const headers = Object.entries(mail.headers)
    .slice(0, HEADERS_MAX)
    .map(([name, value]) => [cut(name, LINE_MAX), cut(value, LINE_MAX)]);
  return {
    kind: 'mail',
    ...receiptPart(mail, rawKey),
    ...(mail.from ? { from: cut(mail.from, LINE_MAX) } : {}),
    ...(mail.fromName ? { fromName: cut(mail.fromName, LINE_MAX) } : {}),
    subject: cut(mail.subject, LINE_MAX),
    text: truncated ? `${cut(mail.text, REPLY_TEXT_MAX)}${cutNote(rawKey)}` : mail.text,
    ...(truncated ? { truncated: true as const } : {}),
    headers: Object.fromEntries(headers),
  };
}

/** The receipt, and the opened mail unless the parser quarantined it: what the inbound-email domain takes. */
export function openedReply(reply: ParsedReply): { receipt: Receipt; mail?: InboundMail } {
  const receipt: Receipt = {
    messageId: reply.messageId,
    receivedAt: reply.receivedAt,
    recipients: reply.recipients,
    verdicts: reply.verdicts,
    ...(reply.envelopeFrom ? { envelopeFrom: reply.envelopeFrom } : {}),
  };
  if (reply.kind === 'quarantined') return { receipt };
  return {
    receipt,
    mail: {
      ...receipt,
      ...(reply.from ? { from: reply.from } : {}),
      ...(reply.fromName ? { fromName: reply.fromName } : {}),
      subject: reply.subject,
      text: reply.text,
      headers: reply.headers,
    },
  };
}
