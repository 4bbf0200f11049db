import EmailReplyParser from 'email-reply-parser';

/*
 * The new text of an email reply: what its writer typed above the quoted history and the signature. Our own footer
 * ("Unsubscribe: …") comes back quoted in every reply, so reading it as the lead's words would opt out everyone who
 * answers. The cutting is email-reply-parser's (attribution lines in a dozen languages, Outlook's blocks, "> "
 * quotes, signature separators); without its optional re2 it uses the built-in RegExp, which is what we want.
 */

const parser = new EmailReplyParser();

/** The reply above its quoted history, without "> " lines or a signature below "-- ". */
export function newReplyText(text: string): string {
  return parser.parseReply(text.replace(/\r\n?/g, '\n')).trim();
}
