import { isTimeZone } from '../core/schedule.ts';
import { returnInstant } from '../core/snooze-time.ts';
import * as z from '../core/zod.ts';
import { Zoned } from '../core/zoned.ts';
import type { TaskRef } from './outcome-links.ts';
import { markTaskDone } from './outcome-task.ts';
import { MAX_SNOOZE_DAYS, snoozeLimit } from './signal-rules.ts';
import { TASK_RESULTS } from './signal-schema.ts';
import { applySignal, type SignalDeps, type SignalResult } from './signals.ts';

/*
 * A rep's outcome for a lead (docs/architecture.md §4.3): replied, meeting, won (with the deal's value), lost, or not
 * now (until a date: the lead is snoozed and re-engaged then). From the API (POST /leads/{id}/outcome), the
 * dashboard, or a signed link in a task email; from a task's link, also `done`, and whatever it records marks that
 * task done (outcome-task.ts).
 */

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const OutcomeFieldsSchema = z.object({
  result: z.enum(TASK_RESULTS, { error: `must be one of ${TASK_RESULTS.join(', ')}` }),
  value: z.optional(
    z.coerce.number({ error: 'must be a number, e.g. 1200' }).check(z.gte(0, { error: 'must be 0 or more' })),
  ),
  currency: z.optional(
    z.pipe(
      z.string().check(z.regex(/^[A-Za-z]{3}$/, { error: 'must be an ISO 4217 code, e.g. USD' })),
      z.transform((c: string) => c.toUpperCase()),
    ),
  ),
  until: z.optional(
    z.string().check(
      z.refine((v) => DATE.test(v) || z.iso.datetime({ offset: true }).safeParse(v).success, {
        error: 'must be a date (2027-03-01) or an ISO instant',
      }),
    ),
  ),
  note: z.optional(
    z.string().check(z.maxLength(2000, { error: 'is too long; keep it under 2000 characters' })),
  ),
});
export type OutcomeFields = z.infer<typeof OutcomeFieldsSchema>;

export interface OutcomeRequest extends OutcomeFields {
  readonly leadId: string;
  /** The dedupe id: an Idempotency-Key, a link, a request. */
  readonly id: string;
  /** "rep", "outcome-link", "dashboard". */
  readonly source: string;
  /** A correction of a reply's reading: that reply's signal id. */
  readonly corrects?: string;
  /** The task whose email the outcome came from: it is marked done. */
  readonly task?: TaskRef;
}

export type RecordedOutcome =
  | SignalResult
  /** `field`: the request field to fix, which the API names in its errors. */
  | { readonly outcome: 'invalid'; readonly field: 'result' | 'until'; readonly message: string };

/** The last date a rep may snooze until: its RETURN_HOUR there must not pass the limit. */
function lastSnoozeDate(now: Date, zone: string): string {
  const limit = snoozeLimit(now);
  const day = Zoned.at(limit.getTime(), zone)?.startOfDay();
  if (!day) return '';
  const fits = (date: Zoned) => Date.parse(returnInstant(date.toISODate(), zone) ?? '') <= limit.getTime();
  return (fits(day) ? day : day.plus({ days: -1 })).toISODate();
}

/**
 * Records the outcome; a `not-now` date is the start of the lead's working day there. With a task, the task is marked
 * done too (after the outcome, so a retry of a failed outcome still finds the task to mark); `done` only marks it.
 */
export async function recordOutcome(
  deps: SignalDeps,
  request: OutcomeRequest,
  now: Date,
): Promise<RecordedOutcome> {
  const lead = await deps.store.getLead(request.leadId);
  if (!lead) return { outcome: 'no-lead' };
  const { task, result } = request;
  if (result === 'done') {
    if (!task)
      return {
        outcome: 'invalid',
        field: 'result',
        message: 'done marks a task done: use the link in the task email',
      };
    return markTaskDone(deps, lead, { task, result, source: request.source }, now);
  }
  let until: string | undefined;
  if (request.until) {
    const zone = lead.zone && isTimeZone(lead.zone) ? lead.zone : deps.defaultTimeZone;
    until = DATE.test(request.until)
      ? returnInstant(request.until, zone)
      : new Date(request.until).toISOString();
    if (!until || Date.parse(until) <= now.getTime()) {
      return { outcome: 'invalid', field: 'until', message: 'until must be a date in the future' };
    }
    if (Date.parse(until) > snoozeLimit(now).getTime()) {
      return {
        outcome: 'invalid',
        field: 'until',
        message: `until must be at most ${MAX_SNOOZE_DAYS} days ahead (${lastSnoozeDate(now, zone)} or earlier): the follow-up after a snooze has to finish within Step Functions' one-year limit`,
      };
    }
  }
  const recorded = await applySignal(
    deps,
    {
      v: 1,
      type: 'outcome',
      id: request.id,
      leadId: lead.leadId,
      at: now.toISOString(),
      source: request.source,
      result,
      ...(request.value !== undefined ? { value: request.value } : {}),
      ...(request.currency ? { currency: request.currency } : {}),
      ...(until ? { until } : {}),
      ...(request.note ? { note: request.note } : {}),
      ...(request.corrects ? { corrects: request.corrects } : {}),
    },
    now,
  );
  if (task && recorded.outcome !== 'no-lead') {
    await markTaskDone(deps, lead, { task, result, source: request.source }, now);
  }
  return recorded;
}
