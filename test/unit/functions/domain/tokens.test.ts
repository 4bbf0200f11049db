import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from '../../../../functions/domain/tokens.ts';

const KEY = 'a-signing-key-of-sixty-four-characters-0123456789abcdefghijklmnop';

describe('unsubscribe and reply tokens', () => {
  it('verify to the lead they were signed for', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^ld_[0-9a-f]{24}$/), (leadId) => {
        expect(verifyToken(signToken(leadId, KEY), KEY)).toBe(leadId);
      }),
    );
  });

  it('fit an address local part: reply+<token> stays within 64 characters of [A-Za-z0-9._+-]', () => {
    // Prepare
    const token = signToken('ld_0123456789abcdef01234567', KEY);

    // Act
    const local = `reply+${token}`;

    // Assess
    expect(local.length).toBeLessThanOrEqual(64);
    expect(local).toMatch(/^[A-Za-z0-9._+-]+$/);
  });

  it('reject a token for another lead, a changed signature, another key and garbage', () => {
    // Prepare
    const token = signToken('ld_aaaaaaaaaaaaaaaaaaaaaaaa', KEY);
    const [, signature] = token.split('.');
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

    // Act
    const results = [
      verifyToken(`ld_bbbbbbbbbbbbbbbbbbbbbbbb.${signature}`, KEY),
      verifyToken(flipped, KEY),
      verifyToken(token, 'another-key'),
      verifyToken('', KEY),
      verifyToken('.', KEY),
      verifyToken('ld_x.', KEY),
      verifyToken('../../etc/passwd.abc', KEY),
    ];

    // Assess
    expect(results).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});
