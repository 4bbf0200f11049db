import EmailReplyParser from 'email-reply-parser';

/*
 * The new text of an email reply: what its writer typed above the quoted history and the signature. Our own footer
 * ("Unsubscribe: …") comes back quoted in every reply, so reading it as the lead's words would opt out everyone who
 * answers. The cutting is email-reply-parser's (attribution lines in a dozen languages, Outlook's blocks, "> "
 * quotes, signature separators); without its optional re2 it uses the built-in RegExp, which is what we want.
 */

const parser = new EmailReplyParser();

/**
 * A legal notice a company's mail server appends ("If you are not the intended recipient, … delete this e-mail"):
 * not the writer's words, and its "delete this e-mail" must never read as a removal request. Known by phrases that
 * only such notices use, in the languages the reader reads.
 */
const LEGAL_NOTICE = new RegExp(
  [
    'intended recipient',
    'received this (?:e-?mail|message|communication) in error',
    'confidential(?:ity)? notice',
    'richtige[nr]? (?:adressat|empf[äa]nger)',
    'irrt[üu]mlich erhalten',
    'destinatario (?:indicado|previsto)',
    'destinataire (?:pr[ée]vu|de ce message)',
    'destinatario (?:di questo|indicato)',
    'beoogde (?:ontvanger|geadresseerde)',
  ].join('|'),
  'i',
);

/**
 * Where a forwarded message starts (Gmail's "---------- Forwarded message ---------", Apple Mail's "Begin forwarded
 * message:", and their translations): what follows is someone else's mail, with its own dates and times.
 */
const FORWARDED =
  /^\s*(?:-{2,}\s*(?:forwarded message|original message|weitergeleitete nachricht|mensaje reenviado|message transféré|messaggio inoltrato|doorgestuurd bericht)\s*-{2,}|begin forwarded message:)/im;

/** The reply above its quoted history, without "> " lines, a signature below "-- " or a legal notice paragraph. */
export function newReplyText(text: string): string {
  const unix = text.replace(/\r\n?/g, '\n');
  // a mail that is nothing but the forward is read whole: the forwarded words are all there is
  const above = unix.slice(0, FORWARDED.exec(unix)?.index).trim();
  const reply = parser.parseReply(above === '' ? unix : above).trim();
  if (!LEGAL_NOTICE.test(reply)) return reply;
  return reply
    .split(/\n\s*\n/)
    .filter((paragraph) => !LEGAL_NOTICE.test(paragraph))
    .join('\n\n')
    .trim();
}
