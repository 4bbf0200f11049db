import { TransientError, UserError } from '../core/errors.ts';
import * as z from '../core/zod.ts';
import { SendRejected, SendUnconfirmed } from './errors.ts';
import { exitReason } from './lead.ts';
import type { TouchKey, TouchRecord } from './ports.ts';
import type { TouchDeps } from './touch.ts';
import { deliver } from './touch-delivery.ts';
import type { TouchEvent } from './touch-input.ts';
import { recordSent } from './touch-record.ts';
import { skipReason, touchZone } from './touch-rules.ts';
import { giveUpClaim, parseTouchId, touchId } from './unconfirmed-touches.ts';

/*
 * A person sends an unconfirmed touch once, after checking it was not delivered. Only an `unconfirmed` touch is
 * taken, by a conditional write, so two redrives never both send; the lead is read again, and a lead that has left
 * or may not be contacted is not sent to. Who redrove it and when is kept on the touch and in the lead's events.
 */

/** The redrive was not done; the message says why and what to do. */
export class RedriveRefused extends UserError {
  override readonly name = 'RedriveRefused';
}

export interface RedriveResult {
  /** `skipped`: the lead has left the cadence or may not be contacted on this channel; it is recorded so. */
  readonly status: 'sent' | 'skipped';
  readonly id: string;
  readonly reason?: string;
  readonly messageId?: string;
}

/** What `followup touches redrive --aws` sends the deployed Touch function: the touch, and who checked it. */
export const RedriveRequestSchema = z.strictObject({
  redrive: z.strictObject({
    id: z.pipe(
      z.string(),
      z.transform(
        (id: string, ctx) =>
          parseTouchId(id) ??
          z.reject(
            ctx,
            'not a touch id: copy one from `followup touches unconfirmed` (LEAD/ENROLLMENT/STEP)',
          ),
      ),
    ),
    by: z.string().check(
      z.trim(),
      z.minLength(1, 'name who checked the touch'),
      z.maxLength(100, 'at most 100 characters'),
      z.refine((by) => !/\p{Cc}/u.test(by), 'no control characters'),
    ),
  }),
});

/**
 * The Touch function's answer to a redrive. A refusal is an answer, not a failure: the invoker prints it, and the
 * function's error metric and alarm stay for what went wrong.
 */
export type RedriveAnswer =
  | ({ readonly ok: true } & RedriveResult)
  | { readonly ok: false; readonly status: 'refused'; readonly id: string; readonly refused: string };

const eventOf = (touch: TouchRecord): TouchEvent => ({
  leadId: touch.leadId,
  enrollmentId: touch.enrollmentId,
  cadenceId: touch.cadenceId,
  stepIndex: touch.stepIndex,
  stepId: touch.stepId,
  channel: touch.channel,
  template: touch.template,
  scheduledAt: touch.scheduledAt,
});

/** Sends the unconfirmed touch `key` once, recorded as redriven by `by` at `now`. */
export async function redriveTouch(
  deps: TouchDeps,
  key: TouchKey,
  by: string,
  now: Date,
): Promise<RedriveResult> {
  const { store, logger } = deps;
  const id = touchId(key);
  const at = now.toISOString();
  const touch = await store.getTouch(key);
  if (!touch) {
    throw new RedriveRefused(`there is no touch ${id}; copy the id from \`followup touches unconfirmed\``);
  }
  if (touch.status === 'sent') {
    throw new RedriveRefused(
      `the touch ${id} was already sent (at ${touch.at}${touch.messageId ? `, message ${touch.messageId}` : ''}); it is not sent again`,
    );
  }
  if (touch.status !== 'unconfirmed') {
    throw new RedriveRefused(
      `the touch ${id} is ${touch.status}, not unconfirmed: only a touch that may not have gone out is redriven`,
    );
  }
  const event = eventOf(touch);
  const lead = await store.getLead(key.leadId);
  const cadence = await deps.cadences.get(touch.cadenceId);
  const zone = lead ? touchZone(deps, lead, cadence?.timezone) : deps.settings.defaultTimeZone;
  const leaving = lead
    ? exitReason(lead.status, { id: touch.cadenceId, then: cadence?.then })
    : 'lead not found';
  const skip = lead && !leaving ? await skipReason(deps, lead, event, zone, now) : undefined;
  if (skip === 'quiet-hours') {
    throw new RedriveRefused(
      `it is outside 08:00–21:00 in the lead's time zone (${zone}), when no text may go out; run the redrive again then`,
    );
  }

  if (!(await store.reclaimUnconfirmed(key, by, at))) {
    throw new RedriveRefused(
      `the touch ${id} was taken by another redrive a moment ago; it is not sent again`,
    );
  }
  const ids = {
    leadId: key.leadId,
    cadence: touch.cadenceId,
    step: touch.stepId,
    enrollmentId: key.enrollmentId,
  };
  // The frequency cap is not asked: the touch's first attempt took its slot, and a person decided to send it.
  const notSent = leaving ?? (skip && skip !== 'frequency-cap' ? skip : undefined);
  if (!lead || notSent) {
    const reason = `redrive by ${by}: ${notSent ?? 'lead not found'}`;
    await store.finishTouch(key, { status: 'skipped', reason, at });
    await store.clearUnconfirmed(key);
    logger.info('touch-redrive-skipped', { ...ids, reason: notSent });
    return { status: 'skipped', id, reason };
  }

  let messageId: string;
  try {
    messageId = await deliver(deps, lead, event, zone, at);
  } catch (error) {
    const name = (error as Error | undefined)?.name ?? 'Error';
    const message = (error as Error | undefined)?.message ?? String(error);
    if (error instanceof SendUnconfirmed) {
      await giveUpClaim(deps, { ...key, claimedAt: at }, `redrive by ${by} at ${at}: ${message}`, now);
      throw new RedriveRefused(
        `the provider did not confirm the send (${message}); the touch is unconfirmed again: check it was not delivered before another redrive`,
      );
    }
    if (error instanceof SendRejected) {
      await store.finishTouch(key, { status: 'failed', reason: error.reason, at });
      await store.clearUnconfirmed(key);
      throw new RedriveRefused(
        `the provider refused the message (${error.reason}); the touch is recorded failed`,
      );
    }
    // Nothing went out: back on the list as it was.
    await store.markTouchUnconfirmed({ ...key, claimedAt: at }, touch.reason ?? 'unconfirmed', at);
    throw new RedriveRefused(
      `not sent (${name}: ${message}); the touch is still unconfirmed${error instanceof TransientError ? ': try again in a minute' : ''}`,
    );
  }
  await recordSent(deps, event, at, messageId, {
    nextTouch: false,
    ...(lead.owner ? { owner: lead.owner } : {}),
  });
  await store.clearUnconfirmed(key);
  await store.recordEvent(key.leadId, {
    at,
    kind: 'touch-redriven',
    source: `rep:${by}`,
    detail: { cadence: touch.cadenceId, step: touch.stepId, channel: touch.channel },
  });
  logger.info('touch-redriven', ids);
  return { status: 'sent', id, messageId };
}
