import {
  type ExecutionInput,
  ExecutionInputSchema,
  executionInput,
  executionName,
} from '../core/execution-input.ts';
import { assignRep } from './assignment.ts';
import { type EnrollStore, type EnrollWrite, writeTogether } from './enroll-writes.ts';
import { firstStartRetry, pendingRecordOf, retryLater, startEnrollment } from './enrollment-retry.ts';
import { CadenceNotFound, ExecutionTooLong, LeadNotFound, StartRefused } from './errors.ts';
import {
  isNurtureCadence,
  type Lead,
  type LeadProfile,
  leadIdFor,
  REACTIVATED_STATUSES,
  SUPPRESSED_STATUSES,
  statusAllows,
  suppressionKey,
} from './lead.ts';
import type {
  ActivePointer,
  CadenceCatalog,
  EnrollmentRecord,
  Executions,
  LeadUpsert,
  Logger,
} from './ports.ts';
import { armSlaTimers, type RepDesk } from './sla.ts';

/*
 * Enrolling a lead in a cadence (docs/architecture.md §3.3), for every way a lead arrives: the form, a shop event, a
 * CSV row, the end of another cadence. No transactions: the lead is keyed by its email, the lead × cadence slot is
 * taken with a conditional write, and the execution name is the enrollment id, so every duplicate and every retry
 * after a crash lands on the same lead, the same enrollment and the same execution.
 */

export interface EnrollDeps {
  /** A store that writes several items in one request (enroll-writes.ts) saves a signup two of its requests. */
  readonly store: EnrollStore;
  readonly executions: Executions;
  readonly cadences: CadenceCatalog;
  /** The zone of a lead that gives none, when the cadence names none either. */
  readonly defaultTimeZone: string;
  /** The rep new leads are assigned to. */
  readonly owner?: string;
  /** With `owners`: new leads go round-robin (one UpdateItem a signup) and SLA steps arm their deadlines (sla.ts). */
  readonly desk?: RepDesk;
  readonly logger?: Logger;
}

export type EnrollInput = {
  readonly cadenceId: string;
  /** What enrolls the lead, recorded with its events: "intake", "import", "cadence:web-inquiry". */
  readonly source: string;
  /** A new signup moves a lead in nurture, lost or snoozed back to active. */
  readonly reactivate?: boolean;
  /**
   * When the schedule starts, if not now: the end of a snooze ("not now, try me in March"). A lead snoozed until
   * then may be enrolled; its first touch wakes it.
   */
  readonly startAt?: Date;
  /**
   * A caller that cannot retry soon (a person posting the form) is answered `pending` when a start fails for now:
   * the sweeper starts it (§3.4). Other callers get the error, so their own retry (an import's backoff, a Lambda's or
   * a state machine's Retry) starts it sooner.
   */
  readonly pendingOnFailedStart?: boolean;
} & ({ readonly profile: LeadProfile } | { readonly leadId: string });

export type Schedule = ExecutionInput['schedule'];

export type Enrollment =
  | {
      /**
       * `started`: this call started it; `existing`: the lead was already enrolled (a duplicate, a retry);
       * `pending`: its start failed after the retry marker was stored, so the sweeper starts it (§3.4).
       */
      readonly status: 'started' | 'existing' | 'pending';
      readonly id: string;
      readonly cadence: string;
      readonly schedule: Schedule;
    }
  | { readonly status: 'not-enrolled'; readonly cadence: string; readonly reason: string };

export interface EnrollResult {
  readonly leadId: string;
  readonly created: boolean;
  readonly enrollment: Enrollment;
}

/**
 * The furthest a last touch may lie after its StartExecution: Step Functions ends a Standard execution at one year,
 * and the Complete step, retries and a leap day must still fit after the last touch.
 */
export const MAX_EXECUTION_DAYS = 364;
const DAY_MS = 86_400_000;

/** How long after its last touch a slot still counts as taken: the Complete step and retries run in that time. */
const POINTER_GRACE_MS = 2 * 86_400_000;

/** Whether the enrollment holding a slot has certainly ended. */
export function pointerEnded(pointer: ActivePointer, now: Date): boolean {
  return Date.parse(pointer.endsAt) + POINTER_GRACE_MS < now.getTime();
}

/** The upsert of a signup: contact details fill gaps; the lead's latest zone, cart and consent replace the old. */
export function leadUpsert(leadId: string, profile: LeadProfile, at: string, owner?: string): LeadUpsert {
  const { zone, smsConsent, phone, cart, ...rest } = profile;
  const replace: Partial<LeadProfile> = {
    ...(zone ? { zone } : {}),
    ...(cart ? { cart } : {}),
    // Consent belongs to the number it was given for: both change together.
    ...(smsConsent && phone ? { smsConsent, phone } : {}),
  };
  const fill: Partial<LeadProfile> = { ...rest, ...(phone && !smsConsent ? { phone } : {}) };
  const create: Lead = {
    ...profile,
    leadId,
    status: 'active',
    ...(owner ? { owner } : {}),
    createdAt: at,
    updatedAt: at,
    statusChangedAt: at,
    touchCount: 0,
    smsCount: 0,
    recentSends: [],
    sendsVersion: 0,
  };
  return { create, replace, fill };
}

export async function enrollLead(deps: EnrollDeps, input: EnrollInput, now: Date): Promise<EnrollResult> {
  const { store } = deps;
  const at = now.toISOString();
  const cadence = await deps.cadences.get(input.cadenceId);
  if (!cadence) throw new CadenceNotFound(input.cadenceId);

  let lead: Lead;
  let created = false;
  const facts: EnrollWrite[] = [];
  if ('profile' in input) {
    const leadId = leadIdFor(input.profile.email);
    const owner =
      deps.owner ?? (deps.desk?.reps.length ? (await assignRep(deps.desk, now)).email : undefined);
    ({ lead, created } = await store.upsertLead(leadUpsert(leadId, input.profile, at, owner)));
    if (created) {
      facts.push({
        kind: 'event',
        leadId,
        event: { at, kind: 'created', source: input.source, to: 'active' },
      });
    }
    if (input.profile.smsConsent && input.profile.phone) {
      facts.push({
        kind: 'event',
        leadId,
        event: { at, kind: 'sms-consent', source: input.profile.smsConsent.source },
      });
    }
  } else {
    const found = await store.getLead(input.leadId);
    if (!found) throw new LeadNotFound(input.leadId);
    lead = found;
  }
  const leadId = lead.leadId;
  const notEnrolled = (reason: string): EnrollResult => ({
    leadId,
    created,
    enrollment: { status: 'not-enrolled', cadence: cadence.id, reason },
  });

  const zone = lead.zone ?? cadence.timezone ?? deps.defaultTimeZone;
  const startAt = input.startAt ?? now;
  const enrollmentId = executionName(leadId, cadence.id, startAt);
  const execution = executionInput(cadence, { leadId, enrollmentId, enrolledAt: startAt, zone });
  const lastTouchAt = execution.schedule.at(-1)?.at ?? at;
  const tooLong = Date.parse(lastTouchAt) - now.getTime() >= MAX_EXECUTION_DAYS * DAY_MS;
  // Before the slot is taken: whatever stops this call from here on (a failed start, a crash), the sweeper finds it.
  const retry = firstStartRetry({ leadId, enrollmentId, cadenceId: cadence.id }, now);
  // A lead this call created is almost always enrolled: its marker goes with its events, a request saved. A marker
  // whose enrollment is never written is dropped by the sweeper, and cleared below when the lead is suppressed.
  const markedEarly = created && !tooLong && statusAllows(lead.status, cadence);
  const early: EnrollWrite[] = markedEarly ? [{ kind: 'start-retry', retry }] : [];

  // The lead's events and the suppression check at once: different items, and neither decides the other.
  const [, suppressed] = await Promise.all([
    writeTogether(store, [...facts, ...early]),
    SUPPRESSED_STATUSES.has(lead.status) || store.isSuppressed([suppressionKey(lead.email)]),
  ]);
  if (suppressed) {
    await writeTogether(store, markedEarly ? [{ kind: 'start-retry-cleared', retry }] : []);
    return notEnrolled('suppressed');
  }
  // A slot held while the lead was not eligible belongs to an execution that has exited or will at its next touch.
  let slotsAreStale = false;
  const wakesFromSnooze = input.startAt !== undefined && lead.status === 'snoozed';
  if (!statusAllows(lead.status, cadence) && !wakesFromSnooze) {
    if (!input.reactivate || !REACTIVATED_STATUSES.has(lead.status)) {
      return notEnrolled(`lead-${lead.status}`);
    }
    const moved = await store.changeStatus(leadId, lead.status, 'active', {
      at,
      kind: 'status',
      source: input.source,
      from: lead.status,
      to: 'active',
      detail: { reason: 'signed up again' },
    });
    if (!moved) return notEnrolled('lead-changed');
    slotsAreStale = true;
  }

  // Refused before the enrollment is written: an execution that would time out must never start.
  if (tooLong) throw new ExecutionTooLong(cadence.id, at, lastTouchAt, MAX_EXECUTION_DAYS);
  const inputJson = JSON.stringify(execution);
  const pointer: ActivePointer = {
    leadId,
    cadenceId: cadence.id,
    enrollmentId,
    inputJson,
    createdAt: at,
    endsAt: lastTouchAt,
  };

  // Unconditional, so concurrent enrollments (an import) share a request: the marker is the same whoever writes it.
  if (!markedEarly) await writeTogether(store, [{ kind: 'start-retry', retry }]);
  let holder = await store.claimActive(pointer);
  if (holder && (slotsAreStale || pointerEnded(holder, now))) {
    deps.logger?.info('enrollment-slot-replaced', {
      leadId,
      cadence: cadence.id,
      replaced: holder.enrollmentId,
    });
    holder = await store.claimActive(pointer, holder.enrollmentId);
  }
  if (holder) {
    // The holder has a marker of its own; this one stands for an enrollment that will never exist.
    if (holder.enrollmentId !== enrollmentId) await store.clearStartRetry(retry);
    await ensureStarted(deps, holder, input.source, at);
    return {
      leadId,
      created,
      enrollment: {
        status: 'existing',
        id: holder.enrollmentId,
        cadence: cadence.id,
        schedule: scheduleOf(holder),
      },
    };
  }

  const record: EnrollmentRecord = {
    leadId,
    enrollmentId,
    cadenceId: cadence.id,
    enrolledAt: execution.enrolledAt,
    inputJson,
    status: 'pending',
    source: input.source,
    createdAt: at,
  };
  const ids = { leadId, enrollmentId, cadenceId: cadence.id };
  if (deps.desk) await armSlaTimers(deps.desk, ids, cadence.steps, execution.schedule, lead.owner);
  // Before the start: a first touch due at once may run, and move "next touch" on, before this line would.
  const first = execution.schedule[0];
  if (first) await store.setNextTouch(leadId, first.at, at);
  const started = await deps.executions.start(cadence.id, enrollmentId, inputJson).catch(async (error) => {
    await store
      .putEnrollment(record)
      .then(() => retryLater(deps, record, retry, error, now))
      .catch((recording: unknown) => {
        // Without this record of the failure the sweeper still finds the marker, and writes the record from the slot.
        deps.logger?.error('enrollment-failure-unrecorded', { leadId, error: (recording as Error)?.name });
      });
    // The marker and the slot are stored, so the sweeper starts it; a refusal it would only mark stuck is an error.
    if (!input.pendingOnFailedStart || error instanceof StartRefused) throw error;
    return undefined;
  });
  if (!started) {
    return {
      leadId,
      created,
      enrollment: { status: 'pending', id: enrollmentId, cadence: cadence.id, schedule: execution.schedule },
    };
  }
  // The record is written once, as started, with the marker's removal and the enrolled event, in any order: a crash
  // before leaves the marker, and the sweeper writes the record from the slot and starts the same execution (§3.4).
  await writeTogether(store, [
    { kind: 'enrollment-started', record: startedRecord(record, at, started.executionArn) },
    { kind: 'start-retry-cleared', retry },
    {
      kind: 'event',
      leadId,
      event: { at, kind: 'enrolled', source: input.source, detail: { cadence: cadence.id, enrollmentId } },
    },
  ]);
  deps.logger?.info('enrolled', { leadId, cadence: cadence.id, enrollmentId });
  return {
    leadId,
    created,
    enrollment: { status: 'started', id: enrollmentId, cadence: cadence.id, schedule: execution.schedule },
  };
}

/** The record a started enrollment is written as: what `markEnrollmentStarted` makes of a pending one. */
function startedRecord(
  record: EnrollmentRecord,
  at: string,
  executionArn: string | undefined,
): EnrollmentRecord {
  return { ...record, status: 'started', startedAt: at, ...(executionArn ? { executionArn } : {}) };
}

/**
 * The slot's holder may have crashed between taking the slot and starting its execution: start it now, with the
 * same name and input, which Step Functions treats as the same execution.
 */
async function ensureStarted(
  deps: EnrollDeps,
  holder: ActivePointer,
  source: string,
  at: string,
): Promise<void> {
  const stored = await deps.store.getEnrollment(holder.leadId, holder.enrollmentId);
  if (stored?.status === 'started') return;
  const record = stored ?? pendingRecordOf(holder, source);
  if (!stored) await deps.store.putEnrollment(record);
  await startEnrollment(deps, record, at);
}

function scheduleOf(pointer: ActivePointer): Schedule {
  return ExecutionInputSchema.parse(JSON.parse(pointer.inputJson)).schedule;
}

/** Whether a cadence keeps leads in nurture; an id the catalog lacks is judged by its name. */
export async function isNurture(cadences: CadenceCatalog, cadenceId: string): Promise<boolean> {
  const cadence = await cadences.get(cadenceId);
  return isNurtureCadence(cadence ?? { id: cadenceId });
}
