import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../functions/core/errors.ts';
import { checkReplyMix, drawKind, parseReplyMix } from '../../../../local/simulate/reply-mix.ts';

/* `simulate --reply-mix`: what a person may type, what is refused and how a draw picks a kind. */

describe('the reply mix a person types', () => {
  it('takes kind=share pairs that add up to 1, with spaces and upper case forgiven', () => {
    expect(parseReplyMix('interested=0.5,not-now=0.25,no=0.15,referral=0.05,unsubscribe=0.05')).toEqual({
      interested: 0.5,
      'not-now': 0.25,
      no: 0.15,
      referral: 0.05,
      unsubscribe: 0.05,
    });
    expect(parseReplyMix(' Interested = 1 ')).toEqual({ interested: 1 });
    // Thirds as a person writes them.
    expect(parseReplyMix('interested=0.33,no=0.33,question=0.33')).toEqual({
      interested: 0.33,
      no: 0.33,
      question: 0.33,
    });
  });

  it.each([
    ['interested=0.5,no=0.3', /shares must add up to 1 \(these add up to 0\.8\)/],
    ['interested=0.5,nope=0.5', /"nope" is not a kind of reply \(did you mean "no"\?\)/],
    ['unsure=1', /"unsure" is what the reader says when it cannot tell/],
    ['interested=half,no=0.5', /interested must be a share from 0 to 1 \(got "half"\)/],
    ['interested=1.5', /interested must be a share from 0 to 1/],
    ['interested=0.5,interested=0.5', /names interested twice/],
    ['interested', /takes kind=share pairs separated by commas \(got "interested"\)/],
    ['', /needs at least one kind=share/],
  ])('refuses %j with one line naming the flag, the bad part and an example', (typed, message) => {
    const parse = () => parseReplyMix(typed);
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
    expect(parse).toThrow(/^--reply-mix .*; e\.g\. --reply-mix interested=0\.5,not-now=0\.25/);
  });

  it('checks a mix given in code as it checks a typed one', () => {
    expect(() => checkReplyMix({ interested: 0.7 })).toThrow(/add up to 1/);
    expect(() => checkReplyMix({ interested: 0.7, no: 0.3 })).not.toThrow();
  });
});

describe('drawing a kind', () => {
  it('falls on each kind as often as its share, and never on a kind left out', () => {
    // Prepare: draws spread evenly over [0, 1).
    const mix = { interested: 0.5, 'not-now': 0.25, no: 0.25 } as const;
    const seen: Record<string, number> = {};
    // Act
    for (let i = 0; i < 1000; i++) {
      const kind = drawKind(mix, (i + 0.5) / 1000);
      seen[kind] = (seen[kind] ?? 0) + 1;
    }
    // Assess
    expect(seen).toEqual({ interested: 500, 'not-now': 250, no: 250 });
  });

  it('scales shares written as thirds so the last kind gets the rest', () => {
    const mix = { interested: 0.33, no: 0.33, question: 0.33 };
    expect(drawKind(mix, 0.999_999)).toBe('no');
    expect(drawKind(mix, 0)).toBe('interested');
  });
});
