import { EXIT_SIGNALS } from '../core/cadence-schema.ts';
import { TouchPayloadSchema } from '../core/execution-input.ts';
import type { BusinessVariables, OwnerVariables } from '../core/template-context.ts';
import * as z from '../core/zod.ts';
import type { FrequencyCap } from './frequency-cap.ts';

/* What a touch is given: the state machine's payload for its step (docs/architecture.md §3.1) and the settings. */

export const TouchEventSchema = z.extend(TouchPayloadSchema, {
  /** The next touch of this enrollment (`$.schedule[i+1].at`), for the lead's "next touch" field. */
  nextAt: z.optional(z.iso.datetime()),
  /** The cadence's exit signals, when the definition passes them; else they are read from the cadence file. */
  exitOn: z.optional(z.array(z.enum(EXIT_SIGNALS))),
  /** Set by the compiled definition on an immediate step: a transactional answer, outside the frequency cap. */
  transactional: z.optional(z.boolean()),
});
export type TouchEvent = z.infer<typeof TouchEventSchema>;

export interface TouchSettings {
  /** https, ending in "/u/": the token is appended. */
  readonly unsubscribeBaseUrl: string;
  readonly replyDomain: string;
  readonly business: BusinessVariables;
  readonly owner: OwnerVariables;
  readonly frequencyCap: FrequencyCap;
  readonly defaultTimeZone: string;
  /** Where a rep opens a lead (`<dashboardUrl>/leads/<leadId>`); task emails carry no link without it. */
  readonly dashboardUrl?: string;
  /** The API's base URL: task emails carry signed outcome links (`<apiBaseUrl>/o/<token>`) only when it is set. */
  readonly apiBaseUrl?: string;
}
