import { CompletePayloadSchema } from '../core/execution-input.ts';
import * as z from '../core/zod.ts';
import { completeEnrollment } from '../domain/complete.ts';
import type { EnrollDeps } from '../domain/enroll.ts';
import { InvalidPayload } from '../domain/errors.ts';

/** The Complete Task of a compiled cadence: frees the lead's slot, moves a silent lead on to nurture and `then`. */
export function makeCompleteHandler(deps: EnrollDeps, clock: () => Date = () => new Date()) {
  return async (event: unknown): Promise<{ status: string; next?: string }> => {
    const parsed = CompletePayloadSchema.safeParse(event);
    if (!parsed.success) throw new InvalidPayload(`complete payload: ${z.prettifyError(parsed.error)}`);
    const result = await completeEnrollment(deps, parsed.data, clock());
    return { status: result.status, ...(result.next ? { next: result.next.status } : {}) };
  };
}
