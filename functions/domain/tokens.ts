import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Tokens in unsubscribe links and reply addresses: `<leadId>.<signature>`, the signature an HMAC-SHA256 of the lead
 * id, base64url, cut to 128 bits so `reply+<token>@domain` fits the 64-character local part of an address.
 */

const SIGNATURE_BYTES = 16;
const LEAD_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
/** The one spelling of a 16-byte signature: Node's base64url decoder skips stray characters and padding. */
const SIGNATURE_RE = /^[A-Za-z0-9_-]{22}$/;

export type SigningKey = string | Buffer;

function signature(leadId: string, key: SigningKey): Buffer {
  return createHmac('sha256', key).update(leadId).digest().subarray(0, SIGNATURE_BYTES);
}

export function signToken(leadId: string, key: SigningKey): string {
  if (!LEAD_ID_RE.test(leadId)) throw new Error('a lead id holds only letters, digits, "_" and "-"');
  return `${leadId}.${signature(leadId, key).toString('base64url')}`;
}

/** The lead id a token was signed for, or undefined when it is malformed or forged. */
export function verifyToken(token: string, key: SigningKey): string | undefined {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const leadId = token.slice(0, dot);
  const encoded = token.slice(dot + 1);
  if (!LEAD_ID_RE.test(leadId) || !SIGNATURE_RE.test(encoded)) return undefined;
  const given = Buffer.from(encoded, 'base64url');
  const expected = signature(leadId, key);
  return given.length === expected.length && timingSafeEqual(given, expected) ? leadId : undefined;
}
