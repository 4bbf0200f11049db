/*
 * Typos of the few words a reading turns on ("intrested", "unsubscirbe", "tommorow"), put right before the reply is
 * read: people write replies fast, on phones, and a reading must not hang on a missing letter. Only long words are
 * put right, and only into a word they are not a form of, so "interests" and "uninterested" keep their meaning.
 */

/** Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`: how far a typo is from its word. */
export function editsBetween(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (before[j - 2] ?? 0) + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** How many edits a word of this length may carry and still be read as `target`. */
const allowed = (length: number) => (length >= 8 ? 2 : length >= 7 ? 1 : 0);

/**
 * `word` (lower case) read as the first of `targets` it is a typo of, or undefined: it starts with the same
 * letter, is within the edits its length allows, and is not itself one of `forms` (real words near a target).
 */
export function typoOf(
  word: string,
  targets: readonly string[],
  forms: ReadonlySet<string> = new Set(),
): string | undefined {
  if (forms.has(word)) return undefined;
  return targets.find(
    (target) =>
      word !== target &&
      word[0] === target[0] &&
      !word.includes(target) &&
      !target.includes(word) &&
      Math.abs(word.length - target.length) <= allowed(Math.min(word.length, target.length)) &&
      editsBetween(word, target) <= allowed(Math.min(word.length, target.length)),
  );
}

const INTENT_WORDS = [
  'interested',
  'interesting',
  'definitely',
  'available',
  'schedule',
  'calendar',
  'tomorrow',
];
const INTENT_FORMS = new Set([
  'interests',
  'interestingly',
  'availability',
  'scheduled',
  'schedules',
  'calendars',
]);

/** `text` with typos of the reader's key words put right ("Not intrested" → "Not interested"), case kept. */
export function withoutTypos(text: string): string {
  return text.replace(/\p{L}{7,}/gu, (word) => {
    const fixed = typoOf(word.toLowerCase(), INTENT_WORDS, INTENT_FORMS);
    if (!fixed) return word;
    return word[0] === word[0]?.toUpperCase() ? `${fixed[0]?.toUpperCase()}${fixed.slice(1)}` : fixed;
  });
}
