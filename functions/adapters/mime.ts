import PostalMime, { type Address } from 'postal-mime';
import { oneLine } from '../core/one-line.ts';
import type { InboundMail, Receipt } from '../domain/inbound-email.ts';

/*
 * A received email's MIME, read with postal-mime into what the domain needs: sender, every recipient, subject, the
 * text (or the HTML as text), and the headers that mark a machine's answer. postal-mime decodes charsets with the
 * runtime's TextDecoder (Node's full ICU), so the bundle carries no code-page tables (docs/architecture.md §9).
 */

/** Every mailbox in an address field, the members of a group included. */
function addresses(field: Address | Address[] | undefined): { address: string; name: string }[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((a) =>
    a.group
      ? a.group.flatMap((g) => (g.address ? [{ address: g.address, name: g.name }] : []))
      : a.address
        ? [{ address: a.address, name: a.name }]
        : [],
  );
}

/** RFC 5322's line limit: an inbound subject is kept whole up to it. */
const SUBJECT_MAX = 998;

/** The MIME SES stored for `receipt`, read into an inbound message that keeps the receipt's verdicts. */
export async function parseMime(raw: Uint8Array | string, receipt: Receipt): Promise<InboundMail> {
  const mail = await PostalMime.parse(raw);
  const headers: Record<string, string> = {};
  for (const { key, line } of mail.headerLines) {
    headers[key] ??= line.slice(line.indexOf(':') + 1).trim();
  }
  const from = addresses(mail.from)[0];
  const recipients = [
    ...receipt.recipients,
    ...addresses(mail.to).map((a) => a.address),
    ...addresses(mail.cc).map((a) => a.address),
  ];
  return {
    ...receipt,
    ...(from ? { from: from.address } : {}),
    // An encoded-word decodes to any character, CR and LF too: the sender's name and subject are kept on one line.
    ...(from?.name && oneLine(from.name) ? { fromName: oneLine(from.name) } : {}),
    recipients: [...new Set(recipients)],
    subject: oneLine(mail.subject ?? '', SUBJECT_MAX),
    text: mail.text ?? (mail.html === undefined ? '' : htmlToText(mail.html)),
    headers,
  };
}

/** Enough of an HTML-only email to read in a forward: tags out, breaks kept, entities of the common kind. */
function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}
