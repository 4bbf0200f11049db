/*
 * The new text of an email reply: what its writer typed above the quoted history. Our own footer ("Unsubscribe:
 * …") comes back quoted in every reply, so reading it as the lead's words would opt out everyone who answers.
 */

/** "On Mon, 7 Dec 2026 at 15:00, Sam <sam@…> wrote:", which mail clients often wrap onto a second line. */
const ATTRIBUTION = /^[ \t>]*On\s[^\n]{0,300}(?:\n[^\n]{0,300})?\swrote:[ \t]*$/m;
/** Outlook's separators, and the quoted header block it puts above the history. */
const SEPARATOR = /^\s*(?:-{2,}\s*Original Message\s*-{2,}|_{10,}|-{2,}\s*Forwarded message\s*-{2,})\s*$/im;
const OUTLOOK_HEADERS = /^\s*From:\s.+\n(?:.*\n){0,2}?\s*(?:Sent|Date):\s.+$/im;

/** The reply above its quoted history: cut at the first attribution or separator, and without "> " lines. */
export function newReplyText(text: string): string {
  const normal = text.replace(/\r\n?/g, '\n');
  const cuts = [ATTRIBUTION, SEPARATOR, OUTLOOK_HEADERS]
    .map((pattern) => pattern.exec(normal)?.index)
    .filter((index): index is number => index !== undefined);
  const head = cuts.length > 0 ? normal.slice(0, Math.min(...cuts)) : normal;
  return head
    .split('\n')
    .filter((line) => !/^\s*>/.test(line))
    .join('\n')
    .trim();
}
