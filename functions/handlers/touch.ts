import * as z from '../core/zod.ts';
import { InvalidPayload } from '../domain/errors.ts';
import type { TouchKey } from '../domain/ports.ts';
import { type RedriveAnswer, RedriveRefused, RedriveRequestSchema, redriveTouch } from '../domain/redrive.ts';
import { performTouch, type TouchDeps, type TouchResult } from '../domain/touch.ts';
import { TouchEventSchema } from '../domain/touch-input.ts';
import { touchId } from '../domain/unconfirmed-touches.ts';

/*
 * A touch Task of a compiled cadence invokes this. Errors are the contract with the state machine: LeadExited ends
 * the execution in "Exited", TransientError is retried with backoff, anything else fails the execution loudly.
 * `followup touches redrive ID --aws` invokes it too, so a redrive goes out with this function's role, sender
 * identity, configuration set, logs and metrics; a refused redrive is answered, not thrown.
 */

/** Only a person's redrive carries a `redrive` key; the state machine's payload never does. */
const isRedrive = (event: unknown): boolean =>
  typeof event === 'object' && event !== null && 'redrive' in event;

async function redrive(deps: TouchDeps, key: TouchKey, by: string, now: Date): Promise<RedriveAnswer> {
  try {
    return { ok: true, ...(await redriveTouch(deps, key, by, now)) };
  } catch (error) {
    if (!(error instanceof RedriveRefused)) throw error;
    return { ok: false, status: 'refused', id: touchId(key), refused: error.message };
  }
}

export function makeTouchHandler(deps: TouchDeps, clock: () => Date = () => new Date()) {
  return async (event: unknown): Promise<TouchResult | RedriveAnswer> => {
    if (isRedrive(event)) {
      const request = RedriveRequestSchema.safeParse(event);
      if (!request.success) throw new InvalidPayload(`redrive event: ${z.prettifyError(request.error)}`);
      return redrive(deps, request.data.redrive.id, request.data.redrive.by, clock());
    }
    const parsed = TouchEventSchema.safeParse(event);
    if (!parsed.success) throw new InvalidPayload(`touch payload: ${z.prettifyError(parsed.error)}`);
    return performTouch(deps, parsed.data, clock());
  };
}
