import { LeadExited, TransientError } from '../core/errors.ts';
import { ExecutionInputSchema } from '../core/execution-input.ts';
import { SendRejected } from './errors.ts';
import { type MeasureDeps, measureSent } from './metrics.ts';
import type { ContactRecorded, LeadStore, TouchKey } from './ports.ts';
import { giveBackSlot } from './send-slot.ts';
import type { TouchEvent } from './touch-input.ts';

/*
 * What a claimed touch writes once its send is decided (docs/architecture.md §8.3, §8.4): `sent` with the contact and
 * its counts, or, when the send failed, the claim given back (nothing went out) or the touch recorded `failed`.
 */

export interface RecordDeps extends MeasureDeps {
  readonly store: LeadStore;
}

export const errorName = (error: unknown) => (error instanceof Error ? error.name : typeof error);

/**
 * After the message is out: the touch `sent`, the contact on the lead, the measures. A failure from here on must not
 * release the claim, or a retry would send it again; `nextTouch` also moves the lead's next-touch date; `owner` (the
 * lead's rep) is what speed to lead is counted under.
 */
export async function recordSent(
  deps: RecordDeps,
  event: TouchEvent,
  at: string,
  messageId: string,
  options: { readonly nextTouch: boolean; readonly owner?: string; readonly variant?: string },
): Promise<void> {
  const { store, logger } = deps;
  const key: TouchKey = {
    leadId: event.leadId,
    enrollmentId: event.enrollmentId,
    stepIndex: event.stepIndex,
  };
  const ids = {
    leadId: event.leadId,
    cadence: event.cadenceId,
    step: event.stepId,
    enrollmentId: event.enrollmentId,
  };
  let recorded: ContactRecorded | undefined;
  try {
    await store.finishTouch(key, { status: 'sent', at, messageId });
    recorded = await store.recordContact(event.leadId, {
      at,
      channel: event.channel,
      template: event.template,
      cadenceId: event.cadenceId,
      enrollmentId: event.enrollmentId,
    });
    const next = options.nextTouch ? (event.nextAt ?? (await nextScheduled(store, key))) : undefined;
    if (next) await store.setNextTouch(event.leadId, next, at);
  } catch (error) {
    logger.error('touch-bookkeeping-failed', { ...ids, error: errorName(error) });
  }
  logger.info('touch-sent', { ...ids, channel: event.channel, touch: recorded?.touchCount });
  await measureSent(
    deps,
    {
      leadId: event.leadId,
      cadenceId: event.cadenceId,
      enrollmentId: event.enrollmentId,
      channel: event.channel,
      at,
      ...(options.owner ? { owner: options.owner } : {}),
      ...(options.variant ? { variant: { step: event.stepId, id: options.variant } } : {}),
    },
    recorded,
  );
}

/** After a failed send: give the slot back, then free the claim (transient) or record the failure (permanent). */
export async function undoSend(
  deps: RecordDeps,
  key: TouchKey,
  slot: string | undefined,
  error: unknown,
  at: string,
) {
  const { store, logger } = deps;
  try {
    if (slot) await giveBackSlot(store, key.leadId, slot);
    // Nothing went out: give the claim back (a retry, or no touch at all when the lead left meanwhile).
    if (error instanceof TransientError || error instanceof LeadExited) await store.releaseTouch(key);
    else {
      const reason = error instanceof SendRejected ? error.reason : errorName(error);
      await store.finishTouch(key, { status: 'failed', reason, at });
    }
  } catch (cleanup) {
    // The claim stays: the retry sends nothing, so the rule "at most one send" holds; the alarm shows the failure.
    logger.error('touch-cleanup-failed', { leadId: key.leadId, error: errorName(cleanup) });
  }
}

async function nextScheduled(store: LeadStore, key: TouchKey): Promise<string | undefined> {
  const enrollment = await store.getEnrollment(key.leadId, key.enrollmentId);
  if (!enrollment) return undefined;
  return ExecutionInputSchema.parse(JSON.parse(enrollment.inputJson)).schedule[key.stepIndex + 1]?.at;
}
