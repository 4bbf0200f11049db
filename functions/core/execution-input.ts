import { createHash } from 'node:crypto';
import { type Cadence, CHANNELS } from './cadence-schema.ts';
import { computeSchedule, InvalidInstant, isTimeZone, toUtc } from './schedule.ts';
import * as z from './zod.ts';

/*
 * What a compiled cadence's execution starts with, and what its Task states hand the touch and complete
 * functions. The Wait states read `schedule[i].at`, which Step Functions needs as RFC 3339 with an uppercase Z.
 */

const Id = z.string().check(z.minLength(1));
const UtcInstant = z.iso.datetime({ error: 'must be an RFC 3339 UTC instant, e.g. "2026-12-21T15:00:00Z"' });

export const ScheduledTouchSchema = z.object({
  step: Id,
  channel: z.enum(CHANNELS),
  template: Id,
  at: UtcInstant,
});

export const ExecutionInputSchema = z.object({
  leadId: Id,
  enrollmentId: Id,
  cadenceId: Id,
  enrolledAt: UtcInstant,
  // Checked on every start and every touch: isTimeZone answers from luxon's zone cache.
  zone: z.string().check(z.refine(isTimeZone, { error: 'must be an IANA time zone' })),
  schedule: z.array(ScheduledTouchSchema).check(z.minLength(1)),
});
export type ExecutionInput = z.infer<typeof ExecutionInputSchema>;

/** The event a touch Task sends the touch function. */
export const TouchPayloadSchema = z.object({
  leadId: Id,
  enrollmentId: Id,
  cadenceId: Id,
  stepIndex: z.number().check(z.int(), z.gte(0)),
  stepId: Id,
  channel: z.enum(CHANNELS),
  template: Id,
  scheduledAt: UtcInstant,
  nextAt: z.optional(UtcInstant),
});
export type TouchPayload = z.infer<typeof TouchPayloadSchema>;

/** The event the Complete Task sends the complete function; `then` is the cadence to continue with. */
export const CompletePayloadSchema = z.object({
  leadId: Id,
  enrollmentId: Id,
  cadenceId: Id,
  then: z.nullable(Id),
});
export type CompletePayload = z.infer<typeof CompletePayloadSchema>;

export interface Enrollment {
  readonly leadId: string;
  readonly enrollmentId: string;
  readonly enrolledAt: Date | string;
  /** The lead's IANA zone, else the cadence's. */
  readonly zone: string;
}

/** The execution input of an enrollment: the schedule `followup cadence preview` shows, as UTC instants. */
export function executionInput(cadence: Cadence, enrollment: Enrollment): ExecutionInput {
  const { leadId, enrollmentId, enrolledAt, zone } = enrollment;
  // The lead id places a `spread` touch (docs/architecture.md §2.3), exactly as `cadence preview --lead` shows it.
  const schedule = computeSchedule(cadence, enrolledAt, zone, { leadId }).map((touch) => ({
    ...touch,
    at: toUtc(touch.at),
  }));
  return ExecutionInputSchema.parse({
    leadId,
    enrollmentId,
    cadenceId: cadence.id,
    enrolledAt: utcInstant(enrolledAt),
    zone,
    schedule,
  });
}

const EXECUTION_NAME_MAX = 80;
const CADENCE_PART_MAX = 30;
const HASH_CHARS = 16;
const UNSAFE = /[^A-Za-z0-9_-]+/g;

/**
 * A deterministic execution name, ≤ 80 characters of [A-Za-z0-9_-] (CloudWatch-safe): the same lead, cadence and
 * enrollment instant always give the same name, so a duplicate StartExecution fails with ExecutionAlreadyExists.
 * Pass the stored enrollment's `enrolledAt`, never the clock of a retry. The readable parts may be cut; the hash
 * of the full values keeps names apart.
 */
export function executionName(leadId: string, cadenceId: string, enrolledAt?: Date | string): string {
  const instant = enrolledAt === undefined ? null : utcInstant(enrolledAt);
  const hash = createHash('sha256')
    .update(JSON.stringify([leadId, cadenceId, instant]))
    .digest('hex')
    .slice(0, HASH_CHARS);
  const cadence = cadenceId.replace(UNSAFE, '_').slice(0, CADENCE_PART_MAX);
  const lead = leadId.replace(UNSAFE, '_').slice(0, EXECUTION_NAME_MAX - cadence.length - HASH_CHARS - 2);
  return `${cadence}-${lead}-${hash}`;
}

/** One spelling per instant, so "…T09:00:00-06:00" and "…T15:00:00.000Z" name the same enrollment. */
function utcInstant(at: Date | string): string {
  const iso = typeof at === 'string' ? at : Number.isNaN(at.getTime()) ? '' : at.toISOString();
  const utc = iso ? toUtc(iso) : '';
  if (!utc) throw new InvalidInstant(String(at));
  return utc;
}
