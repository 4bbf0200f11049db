import { LeadExited, SendingCapacity, TransientError } from '../core/errors.ts';
import { isHeldOut, stepChoice, variantSet } from '../core/variant.ts';
import { SendUnconfirmed } from './errors.ts';
import { capApplies } from './frequency-cap.ts';
import { exitReason, type Lead } from './lead.ts';
import { compact } from './lead-input.ts';
import { HELD_OUT, measureArm, measureUnsent } from './metrics.ts';
import type { CadenceCatalog, TouchKey, TouchRecord } from './ports.ts';
import type { PromotionLookup } from './promotion-ports.ts';
import { takeSendSlot } from './send-slot.ts';
import { type DeliveryDeps, deliver } from './touch-delivery.ts';
import type { TouchEvent } from './touch-input.ts';
import { errorName, type RecordDeps, recordSent, undoSend } from './touch-record.ts';
import { skipReason, touchZone, windowReopens } from './touch-rules.ts';
import {
  claimIsStale,
  giveUpClaim,
  STALE_CLAIM_MS,
  staleClaimReason,
  type UnconfirmedDeps,
} from './unconfirmed-touches.ts';

/*
 * One touch of a cadence (docs/architecture.md §8.3–§8.5). Read the lead consistently; leave if it exited; skip what
 * consent, suppression, quiet hours or the frequency cap forbid; claim the touch with a conditional write so a retry
 * never sends twice; render the template as it is now; send; record. A transient failure gives the claim back and
 * throws TransientError so Step Functions retries; a permanent one is recorded as `failed` and fails the execution. A
 * send that may have gone out, or a claim an earlier attempt left and never finished, is recorded `unconfirmed` for a
 * person to redrive: never sent again on its own.
 */

// Handlers, the local runtime and tests import these from here.

/** Delivery, bookkeeping and claim handling each name what they need; a touch needs all of it. */
export interface TouchDeps extends DeliveryDeps, RecordDeps, UnconfirmedDeps {
  readonly cadences: CadenceCatalog;
  /**
   * The instant a claim is taken and judged old by: the handler's `now` on Lambda. The local runtime passes its
   * moving clock, because there `now` is the touch's due instant, which a late or resumed attempt shares.
   */
  readonly claimClock?: () => Date;
  /** How old an unfinished claim must be to be given up (default STALE_CLAIM_MS; scaled with a faster clock). */
  readonly staleClaimMs?: number;
  /** autoPromote's records (§2.4); absent: every lead gets its weighted variant. */
  readonly promotions?: PromotionLookup;
}

export interface TouchResult {
  /** `duplicate`: an earlier attempt of this touch already claimed it; nothing was sent now. */
  /** `unconfirmed`: the provider may have sent it (its answer was lost); the claim stays so it is never sent twice. */
  readonly status: 'sent' | 'skipped' | 'duplicate' | 'unconfirmed';
  readonly reason?: string;
}

export async function performTouch(deps: TouchDeps, input: TouchEvent, now: Date): Promise<TouchResult> {
  const { store, logger } = deps;
  const cadence = await deps.cadences.get(input.cadenceId);
  // A step with variants sends the lead's own variant, read from the cadence as it is now like its wording (§2.2);
  // with autoPromote, the step's promoted variant once the job recorded one (§2.4). A claimed touch keeps its own.
  const step = cadence?.steps.find((s) => s.id === input.stepId && s.variants);
  const promotion =
    step && cadence?.autoPromote
      ? await deps.promotions?.promoted(input.cadenceId, step.id, variantSet(step), now)
      : undefined;
  const choice = step ? stepChoice(step, input.leadId, input.cadenceId, promotion?.variant) : undefined;
  const event = choice ? { ...input, template: choice.template } : input;
  const at = now.toISOString();
  const ids = {
    leadId: event.leadId,
    cadence: event.cadenceId,
    step: event.stepId,
    enrollmentId: event.enrollmentId,
  };
  const key: TouchKey = {
    leadId: event.leadId,
    enrollmentId: event.enrollmentId,
    stepIndex: event.stepIndex,
  };

  const exitRule = { id: event.cadenceId, then: cadence?.then, exitOn: event.exitOn ?? cadence?.exitOn };
  const exitOf = (current: Lead | undefined) =>
    current ? exitReason(current.status, exitRule) : 'lead not found';
  const leave = async (reason: string | undefined, after?: 'claim') => {
    await store.releaseActive(event.leadId, event.cadenceId, event.enrollmentId);
    logger.info('touch-exited', { ...ids, reason, ...(after ? { after } : {}) });
    throw new LeadExited(`${event.leadId}: ${reason}`);
  };

  const found = await store.getLead(event.leadId);
  const lead = found ? await wakeFromSnooze(deps, found, event, now) : undefined;
  const exit = exitOf(lead);
  if (!lead || exit) return leave(exit);

  const zone = touchZone(deps, lead, cadence?.timezone);
  const claimedAt = (deps.claimClock?.() ?? now).toISOString();
  const record = (status: TouchRecord['status'], reason?: string): TouchRecord =>
    compact({
      ...key,
      cadenceId: event.cadenceId,
      stepId: event.stepId,
      channel: event.channel,
      template: event.template,
      ...(choice?.variant ? { variant: choice.variant } : {}),
      scheduledAt: event.scheduledAt,
      status,
      reason,
      at,
      ...(status === 'claimed' ? { claimedAt } : {}),
    });
  const duplicate = async (existing: TouchRecord): Promise<TouchResult> => {
    // An earlier attempt claimed it and stopped before it could say what happened: a person decides, not a retry.
    if (claimIsStale(existing, new Date(claimedAt), deps.staleClaimMs ?? STALE_CLAIM_MS)) {
      const marker = { ...key, claimedAt: existing.claimedAt ?? existing.at };
      const reason = staleClaimReason(marker.claimedAt);
      if (await giveUpClaim(deps, marker, reason, new Date(claimedAt)))
        return { status: 'unconfirmed', reason };
    }
    logger.info('touch-duplicate', { ...ids, existing: existing.status });
    return { status: 'duplicate', reason: existing.status };
  };
  // A touch that did not go out counts in the lead's month (its first touch), as the number it would have had.
  const unsent = (l: Lead) => ({
    leadId: event.leadId,
    cadenceId: event.cadenceId,
    cohortAt: l.firstContactAt ?? at,
    touchCount: l.touchCount,
  });

  // The first touch of a cadence with a holdout counts its lead once in its arm: held out or treated (§5.3).
  const arm =
    cadence?.holdout && event.stepIndex === 0
      ? { leadId: lead.leadId, cadenceId: event.cadenceId, createdAt: lead.createdAt }
      : undefined;
  if (cadence && isHeldOut(cadence, lead.leadId)) {
    // The control group: its execution runs its schedule, so it stays enrolled and its conversion is counted here.
    const existing = await store.claimTouch(record('skipped', HELD_OUT));
    if (existing) return duplicate(existing);
    logger.info('touch-skipped', { ...ids, reason: HELD_OUT });
    if (arm) await measureArm(deps, arm, 'heldOut');
    return { status: 'skipped', reason: HELD_OUT };
  }

  const skip = await skipReason(deps, lead, event, zone, now);
  if (skip) {
    const existing = await store.claimTouch(record('skipped', skip));
    if (existing) return duplicate(existing);
    if (arm) await measureArm(deps, arm, 'treated');
    logger.info('touch-skipped', { ...ids, reason: skip });
    await measureUnsent(deps, unsent(lead), 'skipped');
    return { status: 'skipped', reason: skip };
  }

  // A governed email or text late from waiting for capacity goes only inside its window (a text's keeps it out of
  // quiet hours): nothing is claimed before (§8.12).
  const reopens =
    deps.governor && (event.channel === 'email' || event.channel === 'sms') && cadence
      ? windowReopens(cadence, event.stepId, zone, now)
      : undefined;
  if (reopens) {
    logger.info('touch-waiting', { ...ids, reason: 'window' });
    deps.metrics?.add('SendingWaits', 1);
    throw new SendingCapacity('window', reopens.getTime());
  }

  const existing = await store.claimTouch(record('claimed'));
  if (existing) return duplicate(existing);
  if (arm) await measureArm(deps, arm, 'treated');

  // A reply, an opt-out or a bounce may have landed since the first read: this touch goes out only if the lead is
  // still here now. Signals write before they stop executions, so what they wrote is seen by this read.
  const current = await store.getLead(event.leadId);
  const exitNow = exitOf(current);
  if (!current || exitNow) {
    await store.releaseTouch(key);
    return leave(exitNow, 'claim');
  }
  const skipNow = await skipReason(deps, current, event, zone, now);
  if (skipNow) {
    await store.finishTouch(key, { status: 'skipped', reason: skipNow, at });
    logger.info('touch-skipped', { ...ids, reason: skipNow });
    await measureUnsent(deps, unsent(current), 'skipped');
    return { status: 'skipped', reason: skipNow };
  }

  let slot: string | undefined;
  let messageId: string;
  try {
    if (capApplies(event)) {
      slot = await takeSendSlot(
        store,
        deps.settings.frequencyCap,
        current,
        `${event.enrollmentId}#${event.stepIndex}`,
        now,
        exitOf,
      );
      if (!slot) {
        await store.finishTouch(key, { status: 'skipped', reason: 'frequency-cap', at });
        logger.info('touch-skipped', { ...ids, reason: 'frequency-cap' });
        await measureUnsent(deps, unsent(current), 'skipped');
        return { status: 'skipped', reason: 'frequency-cap' };
      }
    }
    messageId = await deliver(deps, current, event, zone, at);
  } catch (error) {
    if (error instanceof SendUnconfirmed) {
      // It may be out: keep the slot, record it unconfirmed so no retry sends it again, alarm, and go on.
      await giveUpClaim(deps, { ...key, claimedAt }, error.message, new Date(claimedAt));
      await measureUnsent(deps, unsent(current), 'failed');
      return { status: 'unconfirmed', reason: error.message };
    }
    await undoSend(deps, key, slot, error, at);
    if (error instanceof LeadExited) return leave(error.message, 'claim');
    // Waiting for sending capacity is the governor working, not a failure: no ERROR line per wait (§8.12).
    if (error instanceof SendingCapacity) {
      logger.info('touch-waiting', { ...ids, reason: error.reason });
      deps.metrics?.add('SendingWaits', 1);
      throw error;
    }
    logger.error('touch-failed', {
      ...ids,
      error: errorName(error),
      transient: error instanceof TransientError,
    });
    // A transient failure is retried; a permanent one is recorded as failed and fails the execution.
    if (!(error instanceof TransientError)) await measureUnsent(deps, unsent(current), 'failed');
    throw error;
  }

  await recordSent(deps, event, at, messageId, {
    nextTouch: true,
    ...(current.owner ? { owner: current.owner } : {}),
    ...(choice?.variant ? { variant: choice.variant } : {}),
  });
  return { status: 'sent' };
}

/** A snoozed lead whose snooze has ended is active again: the first touch after the date wakes it. */
async function wakeFromSnooze(deps: TouchDeps, lead: Lead, event: TouchEvent, now: Date): Promise<Lead> {
  if (lead.status !== 'snoozed' || !lead.snoozedUntil || Date.parse(lead.snoozedUntil) > now.getTime()) {
    return lead;
  }
  const at = now.toISOString();
  const woke = await deps.store.changeStatus(lead.leadId, 'snoozed', 'active', {
    at,
    kind: 'status',
    source: `cadence:${event.cadenceId}`,
    from: 'snoozed',
    to: 'active',
    detail: { reason: 'snooze ended' },
  });
  if (woke) {
    deps.logger.info('lead-woke', { leadId: lead.leadId, cadence: event.cadenceId });
    return { ...lead, status: 'active', statusChangedAt: at };
  }
  return (await deps.store.getLead(lead.leadId)) ?? lead;
}
