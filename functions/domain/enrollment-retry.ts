import { ExecutionInputSchema } from '../core/execution-input.ts';
import { StartRefused } from './errors.ts';
import { exitReason } from './lead.ts';
import type {
  ActivePointer,
  CadenceCatalog,
  EnrollmentRecord,
  Executions,
  LeadStore,
  Logger,
  StartRetry,
} from './ports.ts';
import type { MetricSink } from './report-ports.ts';

/*
 * No enrollment is left pending. Every enrollment gets a due-retry marker before its slot is taken; a start that
 * fails (throttled, refused, the function died) leaves the marker, and the sweeper starts it again with the same
 * name and input, which Step Functions treats as the same execution: a retry never starts a second one. Backoff
 * grows with each failure; a refusal no retry fixes, or too many failures, makes the enrollment `stuck`, counted in
 * EnrollmentsStuck (an alarm) and listed on the dashboard.
 */

/** The first retry is due this long after the enrollment is written; each failure doubles the wait. */
export const START_RETRY_BASE_MS = 60_000;
/** The longest wait between two tries. */
export const START_RETRY_MAX_MS = 3_600_000;
/** After this many failed starts the enrollment is `stuck`: a few hours of retries, then a person looks. */
export const MAX_START_ATTEMPTS = 8;
/** Markers read per sweep; the rest wait for the next one, earliest first. */
export const SWEEP_LIMIT = 200;

export interface RetryDeps {
  readonly store: LeadStore;
  readonly executions: Executions;
  readonly logger?: Logger;
  /** In [0, 1): the jitter of each wait. */
  readonly random?: () => number;
}

export interface SweepDeps extends RetryDeps {
  readonly cadences: CadenceCatalog;
  readonly logger: Logger;
  /** Absent off Lambda. */
  readonly metrics?: MetricSink;
}

/**
 * The wait after the n-th failed start: 1, 2, 4 … minutes capped at an hour, with "equal jitter" (half fixed, half
 * random) so retries of a burst of failures spread out but never come sooner than half the step.
 */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  const step = Math.min(START_RETRY_MAX_MS, START_RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));
  return step / 2 + (step / 2) * random();
}

/** The marker every new enrollment gets: due one base step after it is written. */
export function firstStartRetry(
  ids: Pick<StartRetry, 'leadId' | 'enrollmentId' | 'cadenceId'>,
  now: Date,
): StartRetry {
  return { ...ids, dueAt: new Date(now.getTime() + START_RETRY_BASE_MS).toISOString() };
}

/** The pending enrollment a slot's holder stands for, when its record was never written (its caller died first). */
export function pendingRecordOf(holder: ActivePointer, source: string): EnrollmentRecord {
  return {
    leadId: holder.leadId,
    enrollmentId: holder.enrollmentId,
    cadenceId: holder.cadenceId,
    enrolledAt: ExecutionInputSchema.parse(JSON.parse(holder.inputJson)).enrolledAt,
    inputJson: holder.inputJson,
    status: 'pending',
    source,
    createdAt: holder.createdAt,
  };
}

/** Starts the enrollment's execution (the same one however often this runs) and records that it started. */
export async function startEnrollment(deps: RetryDeps, record: EnrollmentRecord, at: string): Promise<void> {
  const result = await deps.executions.start(record.cadenceId, record.enrollmentId, record.inputJson);
  await deps.store.markEnrollmentStarted(record.leadId, record.enrollmentId, at, result.executionArn);
}

/** What the dashboard shows of a failure: the provider's error and message, short, with no lead data. */
function reasonOf(error: unknown): string {
  const e = error as Error | undefined;
  const text = !e?.message
    ? String(e?.name ?? error)
    : e.name === 'Error'
      ? e.message
      : `${e.name}: ${e.message}`;
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/**
 * Records a failed start and moves its marker to the next try: the new marker first, so a crash in between leaves
 * one marker too many (a harmless extra try), never none.
 */
export async function retryLater(
  deps: RetryDeps,
  record: EnrollmentRecord,
  current: StartRetry,
  error: unknown,
  now: Date,
): Promise<StartRetry> {
  const attempts = (record.startAttempts ?? 0) + 1;
  const next: StartRetry = {
    leadId: record.leadId,
    enrollmentId: record.enrollmentId,
    cadenceId: record.cadenceId,
    dueAt: new Date(now.getTime() + retryDelayMs(attempts, deps.random)).toISOString(),
  };
  await deps.store.scheduleStartRetry(next);
  await deps.store.markStartFailed(record.leadId, record.enrollmentId, {
    at: now.toISOString(),
    attempts,
    reason: reasonOf(error),
    retryAt: next.dueAt,
  });
  if (next.dueAt !== current.dueAt) await deps.store.clearStartRetry(current);
  deps.logger?.warn('enrollment-start-failed', {
    leadId: record.leadId,
    cadence: record.cadenceId,
    enrollmentId: record.enrollmentId,
    attempts,
    error: (error as Error | undefined)?.name,
    retryAt: next.dueAt,
  });
  return next;
}

export type RetryOutcome = 'started' | 'retrying' | 'stuck' | 'cancelled' | 'dropped';

export interface SweepResult {
  /** Markers that were due. */
  readonly due: number;
  readonly started: number;
  readonly retrying: number;
  readonly stuck: number;
  readonly cancelled: number;
  /** Markers of enrollments that had started already or were never written. */
  readonly dropped: number;
  /** Markers whose retry failed on the way (the table, the catalog): tried again at the next sweep. */
  readonly errors: number;
}

/** Retries every enrollment whose marker is due: the scheduled sweeper's whole job. */
export async function sweepEnrollments(
  deps: SweepDeps,
  now: Date,
  limit: number = SWEEP_LIMIT,
): Promise<SweepResult> {
  const due = await deps.store.dueStartRetries(now.toISOString(), limit);
  const counts: Record<RetryOutcome | 'errors', number> = {
    started: 0,
    retrying: 0,
    stuck: 0,
    cancelled: 0,
    dropped: 0,
    errors: 0,
  };
  for (const retry of due) {
    try {
      counts[await retryStart(deps, retry, now)]++;
    } catch (error) {
      counts.errors++;
      deps.logger.error('enrollment-retry-failed', {
        leadId: retry.leadId,
        enrollmentId: retry.enrollmentId,
        error: (error as Error | undefined)?.name,
      });
    }
  }
  return { due: due.length, ...counts };
}

async function retryStart(deps: SweepDeps, retry: StartRetry, now: Date): Promise<RetryOutcome> {
  const { store, logger } = deps;
  const at = now.toISOString();
  const ids = { leadId: retry.leadId, cadence: retry.cadenceId, enrollmentId: retry.enrollmentId };
  const slots = await store.listActive(retry.leadId);
  const slot = slots.find((p) => p.cadenceId === retry.cadenceId);

  let record = await store.getEnrollment(retry.leadId, retry.enrollmentId);
  if (!record) {
    // The marker comes before the slot: without a record, the enrollment exists only if it holds the slot.
    if (slot?.enrollmentId !== retry.enrollmentId) {
      await store.clearStartRetry(retry);
      return 'dropped';
    }
    await store.putEnrollment(pendingRecordOf(slot, 'sweeper'));
    record =
      (await store.getEnrollment(retry.leadId, retry.enrollmentId)) ?? pendingRecordOf(slot, 'sweeper');
  }
  if (record.status !== 'pending') {
    await store.clearStartRetry(retry);
    return 'dropped';
  }

  const cancel = async (reason: string): Promise<RetryOutcome> => {
    await store.cancelEnrollment(record.leadId, record.enrollmentId, reason, at);
    await store.releaseActive(record.leadId, record.cadenceId, record.enrollmentId);
    await store.clearStartRetry(retry);
    logger.info('enrollment-cancelled', { ...ids, reason });
    return 'cancelled';
  };
  const lead = await store.getLead(record.leadId);
  if (!lead) return cancel('lead not found');
  const cadence = (await deps.cadences.get(record.cadenceId)) ?? { id: record.cadenceId };
  // A snoozed lead is the touch's to judge: the first touch of a cadence started at the snooze's end wakes it.
  const leaving = lead.status === 'snoozed' ? undefined : exitReason(lead.status, cadence);
  if (leaving) return cancel(leaving);
  if (slot && slot.enrollmentId !== record.enrollmentId) return cancel(`replaced by ${slot.enrollmentId}`);

  try {
    await startEnrollment(deps, record, at);
  } catch (error) {
    const attempts = (record.startAttempts ?? 0) + 1;
    if (!(error instanceof StartRefused) && attempts < MAX_START_ATTEMPTS) {
      await retryLater(deps, record, retry, error, now);
      return 'retrying';
    }
    const reason = reasonOf(error);
    const marked = await store.markStartFailed(record.leadId, record.enrollmentId, { at, attempts, reason });
    await store.clearStartRetry(retry);
    if (marked) {
      deps.metrics?.add('EnrollmentsStuck', 1);
      logger.error('enrollment-stuck', { ...ids, attempts, reason });
    }
    return 'stuck';
  }
  await store.clearStartRetry(retry);
  await store.recordEvent(record.leadId, {
    at,
    kind: 'enrolled',
    source: record.source,
    detail: { cadence: record.cadenceId, enrollmentId: record.enrollmentId, retried: true },
  });
  logger.info('enrollment-started-on-retry', { ...ids, attempt: (record.startAttempts ?? 0) + 1 });
  return 'started';
}
