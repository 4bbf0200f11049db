/*
 * Text from outside (a lead's name, an inbound subject, a shop's product) made fit for one header line. Every
 * header value built from such text, and every one-line field stored at intake, goes through `oneLine`.
 */

// C0 and C1 controls and DEL: a CR or LF starts a new header (an injected Bcc:), a NUL cuts a string short.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
// Bidi overrides, embeddings, isolates and marks: they make a subject read differently from what it says.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// Half of a surrogate pair: no charset can encode it.
const LONE_SURROGATE = /\p{Cs}/gu;
// Besides spaces and tabs, \s holds U+2028 and U+2029, line breaks to some readers.
const WHITESPACE = /\s+/g;

/** A subject's bound: what a mail reader shows, and inside RFC 5322's 998-character line once encoded. */
export const ONE_LINE_MAX = 250;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * `text` on one line: controls become spaces, bidi controls go, whitespace runs become one space, the ends are
 * trimmed, and past `max` UTF-16 units it is cut between characters (never inside an emoji) and ends with "…".
 */
export function oneLine(text: string, max = ONE_LINE_MAX): string {
  const line = text
    .replace(CONTROLS, ' ')
    .replace(BIDI, '')
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(WHITESPACE, ' ')
    .trim();
  if (line.length <= max) return line;
  let kept = '';
  for (const { segment } of graphemes.segment(line)) {
    if (kept.length + segment.length > max - 1) break;
    kept += segment;
  }
  return `${kept.trimEnd()}…`;
}
