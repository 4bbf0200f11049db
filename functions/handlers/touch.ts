import * as z from 'zod';
import { InvalidPayload } from '../domain/errors.ts';
import { performTouch, type TouchDeps, TouchEventSchema, type TouchResult } from '../domain/touch.ts';
import { touchDependencies } from '../runtime/dependencies.ts';

/*
 * A touch Task of a compiled cadence invokes this. Errors are the contract with the state machine: LeadExited ends
 * the execution in "Exited", TransientError is retried with backoff, anything else fails the execution loudly.
 */

export function makeTouchHandler(deps: TouchDeps, clock: () => Date = () => new Date()) {
  return async (event: unknown): Promise<TouchResult> => {
    const parsed = TouchEventSchema.safeParse(event);
    if (!parsed.success) throw new InvalidPayload(`touch payload: ${z.prettifyError(parsed.error)}`);
    return performTouch(deps, parsed.data, clock());
  };
}

export const handler = makeTouchHandler(touchDependencies());
