import type { ClaimMarker, LeadStore, Logger, TouchKey, TouchRecord } from './ports.ts';
import type { MetricSink } from './report-ports.ts';

/*
 * A claimed touch is never silently lost. A touch is claimed before it is sent; a function that stops in between
 * (killed, timed out, its host gone) leaves the claim, and every retry reads it as "already under way". Once a
 * claim is older than any live attempt can be, it is given up as `unconfirmed`: counted in TouchesUnconfirmed (an
 * alarm) and listed for a person to redrive, because it may or may not have gone out. Nothing here sends.
 */

/**
 * How old a claim with no result must be before its attempt is certainly over. Lambda stops the touch function at
 * its 30 s timeout, counted from before the claim's clock was read; the rest is margin for clock skew between hosts
 * and a timeout raised a little. Too short would flag a send still under way, too long only delays the alarm.
 */
export const STALE_CLAIM_MS = 120_000;
/** Markers read per sweep; the rest wait for the next one, oldest first. */
export const CLAIM_SWEEP_LIMIT = 200;
/** The most a listing shows: a backlog larger than this is an incident to fix at its cause first. */
export const UNCONFIRMED_LIST_LIMIT = 1000;

export interface UnconfirmedDeps {
  readonly store: LeadStore;
  readonly logger: Logger;
  /** Absent off Lambda. */
  readonly metrics?: MetricSink;
}

/** Why a claim that never finished is unconfirmed, in the words the rep reads. */
export const staleClaimReason = (claimedAt: string) =>
  `claimed at ${claimedAt} and never finished: the function stopped between claiming and sending; it may or may not have been sent`;

/** When the claim was taken: records from before `claimedAt` existed carry it as `at`. */
export const claimedAtOf = (record: TouchRecord): string => record.claimedAt ?? record.at;

/** A claim with no send result, taken at least `staleMs` before `now`: its attempt has ended. */
export function claimIsStale(record: TouchRecord, now: Date, staleMs: number = STALE_CLAIM_MS): boolean {
  if (record.status !== 'claimed') return false;
  const claimedAt = Date.parse(claimedAtOf(record));
  return Number.isFinite(claimedAt) && now.getTime() - claimedAt >= staleMs;
}

/** Records the touch as unconfirmed, alarms and lists it; false when that claim is gone (it finished meanwhile). */
export async function giveUpClaim(
  deps: UnconfirmedDeps,
  marker: ClaimMarker,
  reason: string,
  now: Date,
): Promise<boolean> {
  const marked = await deps.store.markTouchUnconfirmed(marker, reason, now.toISOString());
  if (marked) {
    deps.metrics?.add('TouchesUnconfirmed', 1);
    deps.logger.error('touch-unconfirmed', {
      leadId: marker.leadId,
      enrollmentId: marker.enrollmentId,
      stepIndex: marker.stepIndex,
      claimedAt: marker.claimedAt,
      reason,
    });
  }
  return marked;
}

export interface ClaimSweepResult {
  /** Markers older than the bound. */
  readonly stale: number;
  /** Claims given up as unconfirmed by this sweep. */
  readonly unconfirmed: number;
  /** Markers of touches that had finished: removed. */
  readonly finished: number;
  /** Markers that could not be handled (the table, say): looked at again next sweep. */
  readonly errors: number;
}

/** Gives up every claim older than the bound that never finished: the scheduled sweeper's second job. */
export async function sweepStaleClaims(
  deps: UnconfirmedDeps,
  now: Date,
  staleMs: number = STALE_CLAIM_MS,
  limit: number = CLAIM_SWEEP_LIMIT,
): Promise<ClaimSweepResult> {
  const { store } = deps;
  const markers = await store.claimMarkersBefore(new Date(now.getTime() - staleMs).toISOString(), limit);
  let unconfirmed = 0;
  let finished = 0;
  let errors = 0;
  for (const marker of markers) {
    try {
      const touch = await store.getTouch(marker);
      const same = touch?.status === 'claimed' && claimedAtOf(touch) === marker.claimedAt;
      if (same && (await giveUpClaim(deps, marker, staleClaimReason(marker.claimedAt), now))) {
        unconfirmed++;
      } else {
        await store.clearClaimMarker(marker);
        finished++;
      }
    } catch (error) {
      errors++;
      deps.logger.error('claim-sweep-failed', {
        leadId: marker.leadId,
        enrollmentId: marker.enrollmentId,
        stepIndex: marker.stepIndex,
        error: (error as Error | undefined)?.name,
      });
    }
  }
  return { stale: markers.length, unconfirmed, finished, errors };
}

/** What the rep sees of an unconfirmed touch, by the CLI and the dashboard alike. */
export interface UnconfirmedTouch {
  /** What `followup touches redrive` takes. */
  readonly id: string;
  readonly leadId: string;
  readonly cadenceId: string;
  readonly enrollmentId: string;
  readonly stepId: string;
  readonly stepIndex: number;
  readonly channel: TouchRecord['channel'];
  readonly scheduledAt: string;
  readonly claimedAt: string;
  readonly reason: string;
}

/** A touch's id for people: lead, enrollment and step index, none of which holds a "/". */
export const touchId = (key: TouchKey): string => `${key.leadId}/${key.enrollmentId}/${key.stepIndex}`;

export function parseTouchId(id: string): TouchKey | undefined {
  const match = /^([^/\s]+)\/([^/\s]+)\/(\d{1,3})$/.exec(id.trim());
  if (!match) return undefined;
  return { leadId: match[1] as string, enrollmentId: match[2] as string, stepIndex: Number(match[3]) };
}

/** The touches waiting for a person to decide, oldest claim first. */
export async function listUnconfirmed(
  store: LeadStore,
  limit: number = UNCONFIRMED_LIST_LIMIT,
): Promise<UnconfirmedTouch[]> {
  const touches = await store.unconfirmedTouches(limit);
  return touches
    .map((t) => ({
      id: touchId(t),
      leadId: t.leadId,
      cadenceId: t.cadenceId,
      enrollmentId: t.enrollmentId,
      stepId: t.stepId,
      stepIndex: t.stepIndex,
      channel: t.channel,
      scheduledAt: t.scheduledAt,
      claimedAt: claimedAtOf(t),
      reason: t.reason ?? 'no reason recorded',
    }))
    .sort((a, b) => Date.parse(a.claimedAt) - Date.parse(b.claimedAt) || a.id.localeCompare(b.id));
}
