import { createHmac, timingSafeEqual } from 'node:crypto';
import { OUTCOME_RESULTS, type OutcomeResult } from './signal-schema.ts';
import type { SigningKey } from './tokens.ts';

/*
 * Signed single-purpose links in the reps' task emails: "Replied", "Meeting booked", "Won", "Lost", "Not now", one
 * click from the inbox and no login. A token is `<leadId>.<result>.<expiry>.<signature>`, the signature an
 * HMAC-SHA256 of `leadId|result|expiry` (expiry in Unix seconds). Unsubscribe tokens sign the bare lead id, which
 * never holds "|", so the two kinds cannot stand in for each other under the same key. A correction of a reply's
 * reading (#14) is the same link with the reply's signal id, base64url, before the signature:
 * `<leadId>.<result>.<expiry>.<ref>.<signature>` over `leadId|result|expiry|ref`.
 */

export const OUTCOME_LINK_DAYS = 30;

export const OUTCOME_LABELS: Readonly<Record<OutcomeResult, string>> = {
  replied: 'Replied',
  meeting: 'Meeting booked',
  won: 'Won',
  lost: 'Lost',
  'not-now': 'Not now',
};

export interface OutcomeClaim {
  readonly leadId: string;
  readonly result: OutcomeResult;
  readonly expiresAt: Date;
  /** A correction: the id of the reply signal whose reading it overrules. */
  readonly corrects?: string;
}

export type OutcomeTokenCheck =
  | { readonly ok: true; readonly claim: OutcomeClaim }
  | { readonly ok: false; readonly reason: 'invalid' | 'expired' };

const LEAD_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
/**
 * The one spelling of a 32-byte signature. Node's base64url decoder skips stray characters and padding, so without
 * this a link with "=" appended would verify too and, being another string, get past the one-link-one-outcome check.
 */
const SIGNATURE_RE = /^[A-Za-z0-9_-]{43}$/;
const RESULTS: ReadonlySet<string> = new Set(OUTCOME_RESULTS);
/** A signal id, base64url: at most the 512 characters a dedupe id may have. */
const REF_RE = /^[A-Za-z0-9_-]{1,683}$/;

function signature(leadId: string, result: string, expiry: string, key: SigningKey, ref?: string): Buffer {
  const signed = ref === undefined ? `${leadId}|${result}|${expiry}` : `${leadId}|${result}|${expiry}|${ref}`;
  return createHmac('sha256', key).update(signed).digest();
}

export function signOutcomeToken(claim: OutcomeClaim, key: SigningKey): string {
  if (!LEAD_ID_RE.test(claim.leadId)) throw new Error('a lead id holds only letters, digits, "_" and "-"');
  const expiry = String(Math.floor(claim.expiresAt.getTime() / 1000));
  const ref = claim.corrects === undefined ? undefined : Buffer.from(claim.corrects).toString('base64url');
  const sig = signature(claim.leadId, claim.result, expiry, key, ref).toString('base64url');
  return [claim.leadId, claim.result, expiry, ...(ref ? [ref] : []), sig].join('.');
}

/** The claim a token carries when its signature holds (compared in constant time) and it has not expired. */
export function verifyOutcomeToken(token: string, key: SigningKey, now: Date): OutcomeTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 4 && parts.length !== 5) return { ok: false, reason: 'invalid' };
  const [leadId = '', result = '', expiry = ''] = parts;
  const ref = parts.length === 5 ? (parts[3] ?? '') : undefined;
  const sig = parts.at(-1) ?? '';
  if (
    (ref !== undefined && !REF_RE.test(ref)) ||
    !LEAD_ID_RE.test(leadId) ||
    !RESULTS.has(result) ||
    !/^[0-9]{1,12}$/.test(expiry) ||
    !SIGNATURE_RE.test(sig)
  ) {
    return { ok: false, reason: 'invalid' };
  }
  const given = Buffer.from(sig, 'base64url');
  const expected = signature(leadId, result, expiry, key, ref);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'invalid' };
  }
  const expiresAt = new Date(Number(expiry) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  const corrects = ref === undefined ? undefined : Buffer.from(ref, 'base64url').toString();
  return {
    ok: true,
    claim: { leadId, result: result as OutcomeResult, expiresAt, ...(corrects ? { corrects } : {}) },
  };
}

export interface OutcomeLink {
  readonly result: OutcomeResult;
  readonly label: string;
  readonly url: string;
}

/** One link per outcome, valid OUTCOME_LINK_DAYS from `now`: `<apiBaseUrl>/o/<token>`. */
export function outcomeLinks(apiBaseUrl: string, leadId: string, key: SigningKey, now: Date): OutcomeLink[] {
  const base = apiBaseUrl.replace(/\/+$/, '');
  const expiresAt = new Date(now.getTime() + OUTCOME_LINK_DAYS * 86_400_000);
  return OUTCOME_RESULTS.map((result) => ({
    result,
    label: OUTCOME_LABELS[result],
    url: `${base}/o/${signOutcomeToken({ leadId, result, expiresAt }, key)}`,
  }));
}

/**
 * One-click corrections of a reply's reading, one per outcome in `results`, valid OUTCOME_LINK_DAYS from `now`:
 * each records that outcome for the lead as a correction of the reply `signalId`.
 */
export function correctionLinks(
  apiBaseUrl: string,
  leadId: string,
  signalId: string,
  results: readonly OutcomeResult[],
  key: SigningKey,
  now: Date,
): OutcomeLink[] {
  const base = apiBaseUrl.replace(/\/+$/, '');
  const expiresAt = new Date(now.getTime() + OUTCOME_LINK_DAYS * 86_400_000);
  return results.map((result) => ({
    result,
    label: OUTCOME_LABELS[result],
    url: `${base}/o/${signOutcomeToken({ leadId, result, expiresAt, corrects: signalId }, key)}`,
  }));
}
