import { timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  OUTCOME_LINK_DAYS,
  outcomeLinks,
  signOutcomeToken,
  verifyOutcomeToken,
} from '../../functions/domain/outcome-links.ts';
import { signWebhook, verifyWebhook } from '../../functions/domain/shop.ts';
import { signToken, verifyToken } from '../../functions/domain/tokens.ts';

/*
 * HMAC tokens (unsubscribe and reply tokens, outcome links, shop webhook signatures): compared in constant time,
 * spelled one way only, and — for the rep's outcome links — expiring. Unsubscribe tokens do not expire on purpose:
 * an unsubscribe link must keep working as long as the email exists (RFC 8058, CAN-SPAM).
 */

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});
const compared = vi.mocked(timingSafeEqual);

const ROOT = new URL('../..', import.meta.url).pathname;
const KEY = 'security-test-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ';
const LEAD = 'ld_0123456789abcdef01234567';
const NOW = new Date('2026-03-04T16:00:00Z');
const DAY = 86_400_000;

/** The same string with its last character changed to another base64url character: same length, wrong. */
const flipLast = (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

beforeEach(() => {
  compared.mockClear();
});

describe('signatures are compared in constant time', () => {
  it('a wrong unsubscribe token of the right length goes through timingSafeEqual and is refused', () => {
    const token = signToken(LEAD, KEY);
    expect(verifyToken(flipLast(token), KEY)).toBeUndefined();
    expect(compared).toHaveBeenCalledTimes(1);
    const [given, expected] = compared.mock.calls[0] as [Buffer, Buffer];
    expect(given.length).toBe(16);
    expect(expected.length).toBe(16);
    expect(verifyToken(token, KEY)).toBe(LEAD);
  });

  it('a wrong outcome link of the right length goes through timingSafeEqual and is refused', () => {
    const token = signOutcomeToken(
      { leadId: LEAD, result: 'won', expiresAt: new Date(NOW.getTime() + DAY) },
      KEY,
    );
    expect(verifyOutcomeToken(flipLast(token), KEY, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(compared).toHaveBeenCalledTimes(1);
    const [given] = compared.mock.calls[0] as [Buffer, Buffer];
    expect(given.length).toBe(32);
  });

  it('a wrong shop webhook signature of the right length goes through timingSafeEqual and is refused', () => {
    const body = '{"type":"order.completed"}';
    const { timestamp, signature } = signWebhook(body, KEY, NOW);
    const wrong = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
    expect(verifyWebhook(body, { signature: wrong, timestamp }, KEY, NOW)).toEqual({
      ok: false,
      problem: 'signature',
    });
    expect(compared).toHaveBeenCalledTimes(1);
    expect(verifyWebhook(body, { signature, timestamp }, KEY, NOW)).toEqual({ ok: true });
  });

  it('no source file compares a token, signature, digest or secret with ==, === or !=', () => {
    const SENSITIVE = /(token|signature|\bsig\b|hmac|digest|secret|\bmac\b)/i;
    const COMPARISON = /([\w.[\]()?]+)\s*(?:===|!==|==|!=)\s*([\w.[\]()?'"`]+)/g;
    const ABSENT = /^(undefined|null|true|false|\d+)$/;
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? files(join(dir, entry.name))
          : entry.name.endsWith('.ts')
            ? [join(dir, entry.name)]
            : [],
      );
    const offenders: string[] = [];
    for (const file of ['functions', 'local', 'bin'].flatMap((dir) => files(join(ROOT, dir)))) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const [, left = '', right = ''] of line.matchAll(COMPARISON)) {
            const bare = (side: string) => side.replace(/^\(+|[);]+$/g, '');
            const literal = (side: string) =>
              /^['"`]/.test(bare(side)) || ABSENT.test(bare(side)) || /\.length$/.test(bare(side));
            const sensitive = (side: string) => !literal(side) && SENSITIVE.test(side);
            if ((sensitive(left) && !literal(right)) || (sensitive(right) && !literal(left))) {
              offenders.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
            }
          }
          if (/\b\w*(token|signature|sig|hmac|digest|expected|given)\w*\.equals\(/i.test(line)) {
            offenders.push(
              `${relative(ROOT, file)}:${i + 1}: Buffer.equals is not constant time: ${line.trim()}`,
            );
          }
        });
    }
    expect(offenders).toEqual([]);
  });
});

describe('a token has one spelling', () => {
  // Node's base64url decoder skips padding and stray characters: without a strict check, "<token>=" would verify
  // too and, being another string, record a one-link-one-outcome link's outcome a second time.
  it.each([
    ['padding', (t: string) => `${t}=`],
    ['a stray character', (t: string) => `${t}!`],
    ['a space inside', (t: string) => `${t.slice(0, -4)} ${t.slice(-4)}`],
    ['standard base64 characters', (t: string) => t.replace(/-/g, '+').replace(/_/g, '/')],
  ])('an unsubscribe token with %s is refused', (_what, change) => {
    const token = signToken(LEAD, KEY);
    const changed = change(token);
    if (changed !== token) expect(verifyToken(changed, KEY)).toBeUndefined();
  });

  it.each([
    ['padding', (t: string) => `${t}=`],
    ['a stray character', (t: string) => `${t}*`],
  ])('an outcome link with %s is refused', (_what, change) => {
    const token = signOutcomeToken(
      { leadId: LEAD, result: 'won', expiresAt: new Date(NOW.getTime() + DAY) },
      KEY,
    );
    expect(verifyOutcomeToken(change(token), KEY, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('outcome links expire', () => {
  it(`the links in a task email work for ${OUTCOME_LINK_DAYS} days, then answer "expired"`, () => {
    const [link] = outcomeLinks('https://api.northwind.example', LEAD, KEY, NOW);
    const token = link?.url.split('/o/')[1] as string;
    const at = (days: number) => new Date(NOW.getTime() + days * DAY);
    expect(verifyOutcomeToken(token, KEY, at(OUTCOME_LINK_DAYS - 0.001)).ok).toBe(true);
    expect(verifyOutcomeToken(token, KEY, at(OUTCOME_LINK_DAYS))).toEqual({ ok: false, reason: 'expired' });
  });

  it('a changed expiry breaks the signature rather than extending the link', () => {
    const token = signOutcomeToken(
      { leadId: LEAD, result: 'won', expiresAt: new Date(NOW.getTime() - DAY) },
      KEY,
    );
    const parts = token.split('.');
    parts[2] = String(Math.floor(NOW.getTime() / 1000) + 365 * 86_400);
    expect(verifyOutcomeToken(parts.join('.'), KEY, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });
});
