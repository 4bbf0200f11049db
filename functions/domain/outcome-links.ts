import { createHmac, timingSafeEqual } from 'node:crypto';
import { OUTCOME_RESULTS, type OutcomeResult, TASK_RESULTS, type TaskResult } from './signal-schema.ts';
import type { SigningKey } from './tokens.ts';

/*
 * Signed single-purpose links in the reps' task emails: "Replied", "Meeting booked", "Won", "Lost", "Not now", one
 * click from the inbox and no login. A token is `<leadId>.<result>.<expiry>.<signature>`, the signature an
 * HMAC-SHA256 of `leadId|result|expiry` (expiry in Unix seconds). Unsubscribe tokens sign the bare lead id, which
 * never holds "|", so the two kinds cannot stand in for each other under the same key. A correction of a reply's
 * reading (#14) is the same link with the reply's signal id, base64url, before the signature:
 * `<leadId>.<result>.<expiry>.<ref>.<signature>` over `leadId|result|expiry|ref`. A link from a task email names its
 * task, so recording anything from it marks that task done (#15): `<leadId>.<result>.<expiry>.<enrollmentId>.<step>.
 * <signature>` over `leadId|result|expiry|task|enrollmentId|step`; the fields' counts keep the three kinds apart.
 */

export const OUTCOME_LINK_DAYS = 30;

export const OUTCOME_LABELS: Readonly<Record<TaskResult, string>> = {
  done: 'Done',
  replied: 'Replied',
  meeting: 'Meeting booked',
  won: 'Won',
  lost: 'Lost',
  'not-now': 'Not now',
};

/** A rep's task: the enrollment and the step (its index) that created it. */
export interface TaskRef {
  readonly enrollmentId: string;
  readonly stepIndex: number;
}

export interface OutcomeClaim {
  readonly leadId: string;
  readonly result: TaskResult;
  readonly expiresAt: Date;
  /** A correction: the id of the reply signal whose reading it overrules. */
  readonly corrects?: string;
  /** The task the link was sent with: recording it marks the task done. */
  readonly task?: TaskRef;
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
const RESULTS: ReadonlySet<string> = new Set(TASK_RESULTS);
/** An enrollment id (docs/architecture.md §3.1: at most 80 of [A-Za-z0-9_-]) and a step index. */
const ENROLLMENT_RE = /^[A-Za-z0-9_-]{1,80}$/;
const STEP_RE = /^(0|[1-9][0-9]{0,2})$/;
/** A signal id, base64url: at most the 512 characters a dedupe id may have. */
const REF_RE = /^[A-Za-z0-9_-]{1,683}$/;

/** The signed fields after leadId, result and expiry: a correction's ref, or a task's enrollment and step. */
type Extra = { readonly ref: string } | { readonly task: readonly [string, string] } | undefined;

function signature(leadId: string, result: string, expiry: string, key: SigningKey, extra: Extra): Buffer {
  const tail = extra === undefined ? [] : 'ref' in extra ? [extra.ref] : ['task', ...extra.task];
  return createHmac('sha256', key)
    .update([leadId, result, expiry, ...tail].join('|'))
    .digest();
}

export function signOutcomeToken(claim: OutcomeClaim, key: SigningKey): string {
  if (!LEAD_ID_RE.test(claim.leadId)) throw new Error('a lead id holds only letters, digits, "_" and "-"');
  if (claim.corrects !== undefined && claim.task)
    throw new Error('a link corrects a reading or names a task');
  const expiry = String(Math.floor(claim.expiresAt.getTime() / 1000));
  let extra: Extra;
  if (claim.task) {
    const step = String(claim.task.stepIndex);
    if (!ENROLLMENT_RE.test(claim.task.enrollmentId) || !STEP_RE.test(step)) {
      throw new Error(`not a task: ${claim.task.enrollmentId} step ${step}`);
    }
    extra = { task: [claim.task.enrollmentId, step] };
  } else if (claim.corrects !== undefined) {
    extra = { ref: Buffer.from(claim.corrects).toString('base64url') };
  }
  const sig = signature(claim.leadId, claim.result, expiry, key, extra).toString('base64url');
  const tail = extra === undefined ? [] : 'ref' in extra ? [extra.ref] : extra.task;
  return [claim.leadId, claim.result, expiry, ...tail, sig].join('.');
}

/** The claim a token carries when its signature holds (compared in constant time) and it has not expired. */
export function verifyOutcomeToken(token: string, key: SigningKey, now: Date): OutcomeTokenCheck {
  const parts = token.split('.');
  if (parts.length < 4 || parts.length > 6) return { ok: false, reason: 'invalid' };
  const [leadId = '', result = '', expiry = ''] = parts;
  const ref = parts.length === 5 ? (parts[3] ?? '') : undefined;
  const task = parts.length === 6 ? ([parts[3] ?? '', parts[4] ?? ''] as const) : undefined;
  const extra: Extra = ref !== undefined ? { ref } : task ? { task } : undefined;
  const sig = parts.at(-1) ?? '';
  if (
    (ref !== undefined && !REF_RE.test(ref)) ||
    (task !== undefined && (!ENROLLMENT_RE.test(task[0]) || !STEP_RE.test(task[1]))) ||
    !LEAD_ID_RE.test(leadId) ||
    !RESULTS.has(result) ||
    !/^[0-9]{1,12}$/.test(expiry) ||
    !SIGNATURE_RE.test(sig)
  ) {
    return { ok: false, reason: 'invalid' };
  }
  const given = Buffer.from(sig, 'base64url');
  const expected = signature(leadId, result, expiry, key, extra);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'invalid' };
  }
  const expiresAt = new Date(Number(expiry) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  const corrects = ref === undefined ? undefined : Buffer.from(ref, 'base64url').toString();
  return {
    ok: true,
    claim: {
      leadId,
      result: result as TaskResult,
      expiresAt,
      ...(corrects ? { corrects } : {}),
      ...(task ? { task: { enrollmentId: task[0], stepIndex: Number(task[1]) } } : {}),
    },
  };
}

export interface OutcomeLink {
  readonly result: TaskResult;
  readonly label: string;
  readonly url: string;
}

/**
 * The links of a task email, valid OUTCOME_LINK_DAYS from `now` (`<apiBaseUrl>/o/<token>`), one per outcome. With the
 * task they name it, so whichever the rep clicks marks it done, and a "Done" link comes first.
 */
export function outcomeLinks(
  apiBaseUrl: string,
  leadId: string,
  key: SigningKey,
  now: Date,
  task?: TaskRef,
): OutcomeLink[] {
  const base = apiBaseUrl.replace(/\/+$/, '');
  const expiresAt = new Date(now.getTime() + OUTCOME_LINK_DAYS * 86_400_000);
  return (task ? TASK_RESULTS : OUTCOME_RESULTS).map((result) => ({
    result,
    label: OUTCOME_LABELS[result],
    url: `${base}/o/${signOutcomeToken({ leadId, result, expiresAt, ...(task ? { task } : {}) }, key)}`,
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
