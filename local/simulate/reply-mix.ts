import { closest } from '../../functions/core/cadence.ts';
import { UsageError } from '../../functions/core/errors.ts';
import { REPLY_KINDS, type ReplyKind } from './reply-texts.ts';

/*
 * `simulate --reply-mix interested=0.5,not-now=0.25,...`: which kind of reply a replying lead writes, as shares
 * that add up to 1. Shares, not weights: a mix that adds up to 0.8 is far more likely a typo than a wish to scale
 * every share by 1.25, so it is refused with what it adds up to rather than quietly normalised.
 */

/** The share of replies of each kind; kinds left out are never written. */
export type ReplyMix = Readonly<Partial<Record<ReplyKind, number>>>;

export const REPLY_MIX_EXAMPLE = 'interested=0.5,not-now=0.25,no=0.15,referral=0.05,unsubscribe=0.05';
/** How far from 1 the shares may add up: thirds written as 0.33 each. */
const TOLERANCE = 0.011;

const refuse = (problem: string) =>
  new UsageError(`--reply-mix ${problem}; e.g. --reply-mix ${REPLY_MIX_EXAMPLE}`);

const isKind = (word: string): word is ReplyKind => (REPLY_KINDS as readonly string[]).includes(word);

function kindOf(word: string): ReplyKind {
  if (isKind(word)) return word;
  if (word === 'unsure') {
    throw refuse(
      '"unsure" is what the reader says when it cannot tell, not a kind of reply a lead writes: leave it out',
    );
  }
  const guess = closest(word, REPLY_KINDS);
  throw refuse(
    `"${word}" is not a kind of reply${guess ? ` (did you mean "${guess}"?)` : ''}; the kinds are ${REPLY_KINDS.join(', ')}`,
  );
}

/** The mix a person typed, or a UsageError naming the flag, the part that is wrong and an example. */
export function parseReplyMix(text: string): ReplyMix {
  const mix: Partial<Record<ReplyKind, number>> = {};
  const parts = text.split(',').map((part) => part.trim());
  if (parts.every((part) => part === '')) throw refuse('needs at least one kind=share');
  for (const part of parts) {
    const match = /^([a-z-]+)\s*=\s*(\S+)$/i.exec(part);
    if (!match) throw refuse(`takes kind=share pairs separated by commas (got "${part}")`);
    const kind = kindOf((match[1] ?? '').toLowerCase());
    const share = Number(match[2]);
    if (!(Number.isFinite(share) && share >= 0 && share <= 1)) {
      throw refuse(`${kind} must be a share from 0 to 1 (got "${match[2]}")`);
    }
    if (mix[kind] !== undefined) throw refuse(`names ${kind} twice`);
    mix[kind] = share;
  }
  checkReplyMix(mix);
  return mix;
}

/** Checks a mix given as an option (not typed): kinds the reader knows, shares that add up to 1. */
export function checkReplyMix(mix: ReplyMix): void {
  const entries = Object.entries(mix) as [string, number][];
  for (const [kind, share] of entries) {
    kindOf(kind);
    if (!(Number.isFinite(share) && share >= 0 && share <= 1)) {
      throw refuse(`${kind} must be a share from 0 to 1 (got ${share})`);
    }
  }
  const total = entries.reduce((sum, [, share]) => sum + share, 0);
  if (Math.abs(total - 1) > TOLERANCE) {
    throw refuse(`shares must add up to 1 (these add up to ${Number(total.toFixed(4))})`);
  }
}

/** The kind a uniform draw `u` in [0, 1) falls on, in the order of REPLY_KINDS; shares are scaled to add up to 1. */
export function drawKind(mix: ReplyMix, u: number): ReplyKind {
  const kinds = REPLY_KINDS.filter((kind) => (mix[kind] ?? 0) > 0);
  const total = kinds.reduce((sum, kind) => sum + (mix[kind] ?? 0), 0);
  let edge = 0;
  for (const kind of kinds) {
    edge += (mix[kind] ?? 0) / total;
    if (u < edge) return kind;
  }
  return kinds.at(-1) ?? 'interested';
}

/** The mix in a fixed order (that of REPLY_KINDS), as the result prints it. */
export function orderedMix(mix: ReplyMix): ReplyMix {
  return Object.fromEntries(REPLY_KINDS.filter((k) => mix[k] !== undefined).map((k) => [k, mix[k]]));
}
