import {
  ASIDE,
  ASKS_FOR_MATERIAL,
  CLOSED_DOWN,
  COMPLAINT,
  CONDITIONAL,
  type Cues,
  EVER,
  FOR_NOW,
  GO_AHEAD,
  HEDGE,
  INTERESTED,
  LEFT_COMPANY,
  MEETING,
  NEGATED,
  NO,
  NOT_NOW,
  OUT_OF_OFFICE,
  QUESTION,
  SERVICE_ISSUE,
  SOFT,
  UNCLEAR,
  WRONG_PERSON,
} from './intent-cues.ts';
import type { Intent } from './intent-labels.ts';
import { guessIntent, intentModel, type LoadedModel } from './intent-model.ts';
import { findReferral, type Referral } from './intent-referral.ts';
import { findOptOut } from './opt-out-words.ts';
import { findAskedDate, findReturnDate } from './reply-date.ts';
import { newReplyText } from './reply-text.ts';
import { withoutTypos } from './reply-typos.ts';
import { capUntil, returnInstant } from './snooze-time.ts';

/*
 * What a reply means (#14): one label, how sure the reader is, and the words it rests on, so a person can see why
 * and correct it. A wrong stop loses a customer, so `no` and `unsubscribe` need a clear cue and anything in doubt
 * is `unsure`: a person decides. An actual no is "I don't want this, ever"; "not right now" is a not-now, and a
 * contrast ("not sure, but interested") is read by what comes after it.
 */

export interface IntentReading {
  readonly label: Intent;
  /** 0..1: how clear the cue is; below 0.5 only for `unsure`. */
  readonly confidence: number;
  /** The words the reading rests on, as written (a typo of a key word put right); empty when nothing matched. */
  readonly cue: string;
  /** Not-now with a time, or an out-of-office's return: RETURN_HOUR on that day in the zone, as UTC. */
  readonly until?: string;
  readonly referral?: Referral;
  readonly reason?: 'wrong-person' | 'left-company';
}

export interface ReplyContext {
  readonly receivedAt: Date;
  /** The lead's IANA zone: dates are read on its calendar. */
  readonly zone: string;
  readonly channel: 'email' | 'sms';
  /** When the reading is applied (defaults to receivedAt): the snooze limit counts from here. */
  readonly now?: Date;
  /** The lead's own address: naming it hands nothing over. */
  readonly leadEmail?: string;
}

/** How much of a reply is read. */
const MAX_CHARS = 8000;

interface Hit {
  readonly cue: string;
  readonly index: number;
}

/** Lower case, apostrophes straightened and whitespace single, keeping each character's place for the cue. */
function normal(text: string): string {
  return text
    .replace(/[’‘`´]/g, "'")
    .replace(/\s/g, ' ')
    .toLowerCase();
}

/** The first cue of `cues` in `text` that no negation turns round, with where it stands. */
function find(cues: Cues, lower: string, original: string, negatable = false): Hit | undefined {
  for (const cue of cues) {
    const m = cue.exec(lower);
    if (!m) continue;
    if (negatable && NEGATED.test(lower.slice(Math.max(0, m.index - 30), m.index))) continue;
    const words = original.slice(m.index, m.index + m[0].length);
    return { cue: (words.length === m[0].length ? words : m[0]).replace(/\s+/g, ' ').trim(), index: m.index };
  }
  return undefined;
}

/** Every cue of `cues` in `text` that no negation turns round, in the order of the list. */
function findEach(cues: Cues, lower: string, original: string): Hit[] {
  return cues.flatMap((cue) => find([cue], lower, original, true) ?? []);
}

/** Where the last contrast starts: "…, but interested" is read from "interested". */
const CONTRAST =
  /(?:^|[\s,;.!-])(?:but|however|though|although|that said|having said that|even so|aber|mais|pero)[\s,]/g;

function reading(
  label: Intent,
  confidence: number,
  hit: Hit | undefined,
  extra: Partial<IntentReading> = {},
) {
  return { label, confidence, cue: hit?.cue ?? '', ...extra } satisfies IntentReading;
}

function untilAsked(text: string, context: ReplyContext): string | undefined {
  const date = findAskedDate(text, context.receivedAt, context.zone);
  const at = date ? returnInstant(date, context.zone) : undefined;
  return at ? capUntil(at, context.now ?? context.receivedAt) : undefined;
}

/** The labels a clause can carry by itself (stops and handovers are read on the whole reply). */
function readClause(lower: string, original: string, context: ReplyContext): IntentReading | undefined {
  const later = find(NOT_NOW, lower, original);
  const refusal = find(NO, lower, original);
  // A limit widened to always is no limit: "not now, not ever", "no interest now or in the future".
  const always = refusal || later ? find([EVER], lower, original) : undefined;
  if (always)
    return HEDGE.test(lower)
      ? reading('unsure', 0.4, refusal ?? always)
      : reading('no', 0.85, refusal ?? always);
  if (refusal && !later && FOR_NOW.test(lower.slice(refusal.index))) {
    return reading('not-now', 0.75, refusal, withUntil(original, context));
  }
  if (later && CONDITIONAL.test(lower)) return reading('unsure', 0.45, later);
  if (later) return reading('not-now', 0.85, later, withUntil(original, context));
  if (refusal) return HEDGE.test(lower) ? reading('unsure', 0.4, refusal) : reading('no', 0.9, refusal);
  const meeting = find(MEETING, lower, original, true);
  if (meeting) return reading('meeting', 0.8, meeting);
  const complaint = find([COMPLAINT, UNCLEAR, SERVICE_ISSUE], lower, original);
  if (complaint) return reading('unsure', 0.4, complaint);
  const question = find(QUESTION, lower, original);
  const goAhead = find(GO_AHEAD, lower, original, true);
  const interested = find(INTERESTED, lower, original, true) ?? goAhead;
  // A stated interest beside the request, not the request itself ("send pricing?" is still a question).
  const stated = findEach(INTERESTED, lower, original).some((hit) => !/^send\b/i.test(hit.cue));
  const wantsMaterial = stated && !SOFT.test(lower) && ASKS_FOR_MATERIAL.test(lower);
  if (question && goAhead && !SOFT.test(lower)) return reading('interested', 0.75, goAhead);
  if (question && !wantsMaterial) return reading('question', 0.7, question);
  if (interested)
    return SOFT.test(lower) ? reading('unsure', 0.45, interested) : reading('interested', 0.8, interested);
  return undefined;
}

function withUntil(text: string, context: ReplyContext): Partial<IntentReading> {
  const until = untilAsked(text, context);
  return until ? { until } : {};
}

/** The words the reader reads: email without its quoted history and signature, SMS whole, typos put right. */
export function replyWords(text: string, channel: ReplyContext['channel']): { own: string; lower: string } {
  // The reply's first words carry its meaning; a pasted essay must not cost the function its time.
  const own = withoutTypos((channel === 'email' ? newReplyText(text) : text.trim()).slice(0, MAX_CHARS));
  return { own, lower: normal(own) };
}

/** Reads one reply by the rules, and where they are unsure, by the learned fallback (functions/core/intent-model.ts). */
export function readIntent(
  text: string,
  context: ReplyContext,
  model: LoadedModel = intentModel(),
): IntentReading {
  const { own, lower } = replyWords(text, context.channel);
  const ruled = readByRules(own, lower, context);
  // Only where no rule matched: an unsure the rules chose (a hedge, a condition, a complaint) stays unsure.
  if (ruled.label !== 'unsure' || ruled.cue !== '' || lower.trim() === '') return ruled;
  const guess = guessIntent(model, lower);
  if (!guess) return ruled;
  // No cue: the words are the model's, and a person sees how sure it was.
  const confidence = Math.round(guess.probability * 100) / 100;
  if (guess.label === 'not-now') return reading('not-now', confidence, undefined, withUntil(own, context));
  return reading(guess.label, confidence, undefined);
}

/** The rules alone: what the fallback is consulted after. */
export function readByRules(own: string, lower: string, context: ReplyContext): IntentReading {
  if (lower.trim() === '') return reading('unsure', 0.2, undefined);

  // "not an autoreply lol" is a person saying so
  const away = find(OUT_OF_OFFICE, lower, own, true);
  if (away) {
    const date = findReturnDate(own, context.receivedAt, context.zone);
    const at = date ? returnInstant(date, context.zone) : undefined;
    const until = at ? capUntil(at, context.now ?? context.receivedAt) : undefined;
    return reading('out-of-office', 0.95, away, until ? { until } : {});
  }

  const optOut = findOptOut(own);
  // "she left in May, please remove her from your list": taking off someone who has gone is a wrong person
  const gone = optOut?.rule === 'remove-them' && find(LEFT_COMPANY, lower, own) !== undefined;
  if (optOut && optOut.rule !== 'wrong-number' && !gone) {
    return { label: 'unsubscribe', confidence: 0.97, cue: optOut.words };
  }

  const handover = findReferral(own, context.leadEmail);
  if (handover) {
    const confidence = handover.referral.email ? 0.9 : 0.75;
    return { label: 'referral', confidence, cue: handover.cue, referral: handover.referral };
  }

  const closed = find(CLOSED_DOWN, lower, own);
  if (closed) return reading('no', 0.85, closed);
  const left = find(LEFT_COMPANY, lower, own);
  if (left) return reading('wrong-person', 0.85, left, { reason: 'left-company' });
  const wrong = find(WRONG_PERSON, lower, own) ?? (optOut ? { cue: optOut.words, index: 0 } : undefined);
  if (wrong) return reading('wrong-person', 0.85, wrong, { reason: 'wrong-person' });

  // An aside ("Random question though, who did your website?") is about something else: read what comes before it.
  const aside = ASIDE.exec(lower)?.index ?? 0;
  const before = aside > 0 ? readContrasted(lower.slice(0, aside), own.slice(0, aside), context) : undefined;
  return before ?? readContrasted(lower, own, context) ?? reading('unsure', 0.3, undefined);
}

/** A reply read from its last contrast on when that part carries a reading, else whole. */
function readContrasted(lower: string, own: string, context: ReplyContext): IntentReading | undefined {
  const last = [...lower.matchAll(CONTRAST)].at(-1);
  if (last) {
    const from = last.index + last[0].length;
    const after = readClause(lower.slice(from), own.slice(from), context);
    if (after) return after;
  }
  return readClause(lower, own, context);
}
