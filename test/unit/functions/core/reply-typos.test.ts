import { describe, expect, it } from 'vitest';
import { editsBetween, typoOf, withoutTypos } from '../../../../functions/core/reply-typos.ts';

/* Typos of the words a reading turns on, put right; real words near them left alone. */

describe('editsBetween', () => {
  it.each([
    ['interested', 'interested', 0],
    ['intrested', 'interested', 1],
    ['intersetd', 'interested', 2],
    ['tommorow', 'tomorrow', 2],
    ['unsubscirbe', 'unsubscribe', 1],
    ['subscribe', 'unsubscribe', 2],
  ])('"%s" → "%s" is %i edits', (a, b, edits) => {
    // Act
    const found = editsBetween(a, b);

    // Assess
    expect(found).toBe(edits);
  });
});

describe('typoOf', () => {
  it('reads a near miss as its word, but not a word that starts otherwise or holds it', () => {
    // Act
    const read = ['intrested', 'subscribe', 'uninterested', 'interest', 'interests'].map((w) =>
      typoOf(w, ['interested', 'unsubscribe'], new Set(['interests'])),
    );

    // Assess
    expect(read).toEqual(['interested', undefined, undefined, undefined, undefined]);
  });
});

describe('withoutTypos', () => {
  it.each([
    ['Not intrested, thx', 'Not interested, thx'],
    ['Intresting! Tell me more', 'Interesting! Tell me more'],
    ["I'm avaiable tommorow at 3", "I'm available tomorrow at 3"],
    ['Send a calender invite', 'Send a calendar invite'],
    [
      'Our interests align; I am uninterested in the rest',
      'Our interests align; I am uninterested in the rest',
    ],
    ['Please schedule it', 'Please schedule it'],
  ])('"%s" → "%s"', (text, fixed) => {
    // Act
    const read = withoutTypos(text);

    // Assess
    expect(read).toBe(fixed);
  });
});
