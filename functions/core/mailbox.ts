/*
 * A From mailbox the way SES takes it: the address is 7-bit ASCII, and the display name is either a phrase of
 * atoms, a quoted-string (RFC 5322 specials such as a comma or a quote), or RFC 2047 encoded-words (non-ASCII).
 * Written here rather than borrowed: libmime's word splitter cuts characters outside the emoji planes in half
 * (U+FFFD in the sent name), and nodemailer is no dependency of ours; mailparser is the test's decoder.
 */

/** A display name or address that no header can carry. */
export class MailboxInvalid extends Error {
  override readonly name = 'MailboxInvalid';
}

// RFC 5322 atext: a name of these, one space apart, needs no quotes.
const ATOMS = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+( [A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
const CONTROL = /[\x00-\x1f\x7f]/;
// A dot-atom local part and a domain of ASCII labels: what SES sends from without SMTPUTF8.
const ADDRESS =
  /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
// RFC 5322 §2.1.1: no header line longer than 998 characters, "From: " included.
const LINE_LIMIT = 998;
// 45 bytes of UTF-8 are 60 characters of base64: with "=?UTF-8?B?" and "?=" a word stays within RFC 2047's 75.
const WORD_BYTES = 45;

/** Why `name` cannot be a display name, or undefined when it can. */
export function displayNameProblem(name: string): string | undefined {
  if (CONTROL.test(name)) {
    return 'contains a control character (a line break, a tab or NUL); use a name on one line';
  }
  if (/\p{Cs}/u.test(name)) return 'contains a broken character (half of a UTF-16 surrogate pair)';
  return undefined;
}

/** RFC 2047 "B" encoded-words, split between characters (never inside one), one space apart. */
function encodedWords(name: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const character of name) {
    if (chunk && Buffer.byteLength(chunk + character) > WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(' ');
}

function phrase(name: string): string {
  // "=?" in a bare phrase would be read as an encoded-word: quote it.
  if (ATOMS.test(name) && !name.includes('=?')) return name;
  if (PRINTABLE_ASCII.test(name)) return `"${name.replace(/[\\"]/g, '\\$&')}"`;
  return encodedWords(name);
}

/**
 * `"Name" <address>` as SES and every mail reader take it; the bare address when the name is empty. Throws
 * MailboxInvalid, saying what to change, for a name with a control character or an address that is not ASCII.
 */
export function formatMailbox(name: string, address: string): string {
  const problem = displayNameProblem(name);
  if (problem) throw new MailboxInvalid(`the display name ${problem}`);
  if (!ADDRESS.test(address)) {
    throw new MailboxInvalid(
      `${JSON.stringify(address)} is not an address SES can send from: use 7-bit ASCII, the domain in punycode (xn--…)`,
    );
  }
  const trimmed = name.trim();
  const mailbox = trimmed ? `${phrase(trimmed)} <${address}>` : address;
  if (`From: ${mailbox}`.length > LINE_LIMIT) {
    throw new MailboxInvalid(
      `the display name is too long: encoded, the From header would pass the ${LINE_LIMIT}-character line limit; shorten it`,
    );
  }
  return mailbox;
}
