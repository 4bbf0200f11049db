import { TransientError } from '../core/errors.ts';
import * as z from '../core/zod.ts';
import { applyOnce } from './apply-once.ts';
import { type EnrollDeps, type Enrollment, enrollLead } from './enroll.ts';
import { InvalidPayload } from './errors.ts';
import { type Lead, type LeadStatus, suppressionKey } from './lead.ts';
import { type MeasureDeps, measureSignal } from './metrics.ts';
import type { ActivePointer, LeadEvent, LeadFactName, Logger } from './ports.ts';
import { detailOf, factsOf, mayStop, mustStop, nextStatus, suppressionOf } from './signal-rules.ts';
import { type Signal, SignalSchema } from './signal-schema.ts';

/*
 * Applying a signal (docs/architecture.md §4). The rules: DynamoDB is written first (status, facts, suppression,
 * events), executions are stopped after; every signal is applied once, whatever the number of deliveries
 * (apply-once.ts); every status change is an event with its time and source. What a signal changes is decided in
 * signal-rules.ts.
 */

// Handlers, the stack and tests import these from here.

export const REENGAGE_CADENCE = 're-engage';

/** Enrolling (a snoozed lead's re-engage) and counting each name what they need; a signal needs both. */
export interface SignalDeps extends EnrollDeps, MeasureDeps {
  /** Required here, optional for enrolling alone. */
  readonly logger: Logger;
  /** The cadence a snoozed lead is enrolled in at the end of its snooze; default "re-engage". */
  readonly reengageCadence?: string;
  /** What a reply's reading starts (followup.config.json `replies`, #14). */
  readonly replies?: ReplySettings;
}

export interface ReplySettings {
  /** How long a not-now that names no date snoozes; default DEFAULT_REPLY_SNOOZE_DAYS. */
  readonly snoozeDays?: number;
  /** The cadence a referred person is enrolled in; without one, the owner is only told. */
  readonly referralCadence?: string;
}

/** What applying a signal did, handed to the caller's side effects (a forward, a confirmation text). */
export interface AppliedSignal {
  /** The lead before the signal. */
  readonly before: Lead;
  /** The lead after it, as written. */
  readonly lead: Lead;
  readonly changed: boolean;
  /** The enrollments stopped, each with its cadence. */
  readonly stopped: readonly ActivePointer[];
  /** The re-engage enrollment of a lead snoozed by this signal. */
  readonly enrolled?: Enrollment;
}

export type SignalResult =
  | ({ readonly outcome: 'applied' } & AppliedSignal)
  /** This signal was applied by an earlier delivery: nothing was written, stopped or sent now. */
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'no-lead' };

export type SideEffects = (applied: AppliedSignal) => Promise<void>;

const WRITE_ATTEMPTS = 3;

interface Written {
  readonly lead: Lead;
  readonly changed: boolean;
  /** The status the signal changed, when it changed one. */
  readonly from?: LeadStatus;
}

/** Status, facts and suppression, then the signal's event: everything the touch will see on its next read. */
async function write(deps: SignalDeps, lead: Lead, signal: Signal, now: Date): Promise<Written> {
  const { store } = deps;
  const suppression = suppressionOf(signal, lead);
  if (suppression) {
    const keys = [...new Set(suppression.addresses.map(suppressionKey))];
    await store.suppress(keys, {
      reason: suppression.reason,
      source: signal.source,
      at: signal.at,
      leadId: lead.leadId,
    });
  }
  // START undoes a STOP, and nothing else: a number suppressed for another reason stays so.
  if (signal.type === 'sms-start' && !signal.stillOptedOut) {
    await store.unsuppress(suppressionKey(signal.phone), 'sms-stop');
  }

  let current: Lead | undefined = lead;
  let result: Written | undefined;
  for (let attempt = 0; attempt < WRITE_ATTEMPTS && current && !result; attempt++) {
    const to = nextStatus(signal, current.status);
    const { set, remove } = factsOf(signal, current, to, now);
    if (to) {
      const event: LeadEvent = {
        at: signal.at,
        kind: 'status',
        source: signal.source,
        from: current.status,
        to,
        detail: { signal: signal.type, signalId: signal.id },
      };
      if (await store.changeStatus(current.leadId, current.status, to, event, set)) {
        result = {
          lead: { ...current, status: to, statusChangedAt: signal.at, updatedAt: signal.at, ...set },
          changed: true,
          from: current.status,
        };
      } else {
        // Another signal changed the status in between: decide again on what it is now.
        current = await store.getLead(current.leadId);
      }
    } else {
      if (Object.keys(set).length > 0 || remove.length > 0) {
        await store.updateLead(current.leadId, set, remove);
      }
      const kept = Object.fromEntries(
        Object.entries({ ...current, ...set }).filter(([field]) => !remove.includes(field as LeadFactName)),
      ) as unknown as Lead;
      result = { lead: kept, changed: false };
    }
  }
  if (!current) return { lead, changed: false };
  if (!result) throw new TransientError(`${lead.leadId}: the status kept changing under a ${signal.type}`);
  await store.recordEvent(lead.leadId, {
    at: signal.at,
    kind: signal.type,
    source: signal.source,
    detail: detailOf(signal, now),
  });
  return result;
}

/** Stops each running enrollment the lead's new state ends, then frees its slot. */
async function stopEnrollments(deps: SignalDeps, lead: Lead, signal: Signal): Promise<ActivePointer[]> {
  const stopped: ActivePointer[] = [];
  for (const pointer of await deps.store.listActive(lead.leadId)) {
    const cadence = (await deps.cadences.get(pointer.cadenceId)) ?? { id: pointer.cadenceId };
    if (!mustStop(lead.status, signal, cadence)) continue;
    await deps.executions.stop(pointer.cadenceId, pointer.enrollmentId);
    await deps.store.releaseActive(lead.leadId, pointer.cadenceId, pointer.enrollmentId);
    stopped.push(pointer);
  }
  // With nothing left running, no touch is next: the rep's "next touch" must not show one that will not happen.
  if (stopped.length > 0 && (await deps.store.listActive(lead.leadId)).length === 0) {
    await deps.store.updateLead(lead.leadId, {}, ['nextTouchAt']);
  }
  return stopped;
}

/** A lead snoozed by this signal is enrolled in the re-engage cadence, its first touch on the snooze's end. */
async function enrollAfterSnooze(
  deps: SignalDeps,
  lead: Lead,
  signal: Signal,
  now: Date,
): Promise<Enrollment | undefined> {
  const cadenceId = deps.reengageCadence ?? REENGAGE_CADENCE;
  if (!lead.snoozedUntil) return undefined;
  if (!(await deps.cadences.get(cadenceId))) {
    deps.logger.warn('snooze-without-reengage-cadence', { leadId: lead.leadId, cadence: cadenceId });
    return undefined;
  }
  const startAt = new Date(Math.max(Date.parse(lead.snoozedUntil), now.getTime()));
  const result = await enrollLead(
    deps,
    { leadId: lead.leadId, cadenceId, source: `signal:${signal.type}`, startAt },
    now,
  );
  return result.enrollment;
}

/**
 * Applies a signal to its lead: once per signal id, DynamoDB first, then the executions it ends, then the
 * caller's side effects (inside the once: a duplicate delivery sends no second forward or confirmation).
 */
export async function applySignal(
  deps: SignalDeps,
  signal: Signal,
  now: Date,
  sideEffects?: SideEffects,
): Promise<SignalResult> {
  const { store, logger } = deps;
  const valid = SignalSchema.safeParse(signal);
  if (!valid.success) throw new InvalidPayload(`${signal.type} signal: ${z.prettifyError(valid.error)}`);
  const before = await store.getLead(signal.leadId);
  if (!before) {
    logger.info('signal-no-lead', { leadId: signal.leadId, type: signal.type });
    return { outcome: 'no-lead' };
  }
  const ran = await applyOnce(
    store,
    { leadId: before.leadId, signalId: signal.id, type: signal.type, source: signal.source },
    now,
    async (): Promise<AppliedSignal> => {
      const { lead, changed, from } = await write(deps, before, signal, now);
      // Counted here, once: a duplicate never reaches this; a retry after a later failure finds nothing changed.
      await measureSignal(deps, { signal, before, lead, ...(from ? { from } : {}) }, async () => {
        const [pointer] = await store.listActive(lead.leadId);
        return pointer?.cadenceId;
      });
      const stopped = mayStop(signal, changed) ? await stopEnrollments(deps, lead, signal) : [];
      const enrolled =
        changed && lead.status === 'snoozed' ? await enrollAfterSnooze(deps, lead, signal, now) : undefined;
      const applied: AppliedSignal = { before, lead, changed, stopped, ...(enrolled ? { enrolled } : {}) };
      await sideEffects?.(applied);
      return applied;
    },
    logger,
  );
  if (ran.duplicate) {
    logger.info('signal-duplicate', { leadId: before.leadId, type: signal.type });
    return { outcome: 'duplicate' };
  }
  const applied = ran.value;
  logger.info('signal-applied', {
    leadId: before.leadId,
    type: signal.type,
    from: before.status,
    status: applied.lead.status,
    stopped: applied.stopped.map((p) => p.enrollmentId),
    ...(applied.enrolled ? { enrolled: applied.enrolled.status } : {}),
  });
  return { outcome: 'applied', ...applied };
}
