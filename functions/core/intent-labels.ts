// Apart from the reader, so what only names a label (the signal's schema) does not bundle the reader.

/** The labels a reading gives, in the order reports list them. */
export const INTENTS = [
  'interested',
  'question',
  'meeting',
  'not-now',
  'no',
  'referral',
  'wrong-person',
  'unsubscribe',
  'out-of-office',
  'unsure',
] as const;
export type Intent = (typeof INTENTS)[number];
