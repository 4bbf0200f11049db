import * as z from 'zod';
import type { Cadence } from '../core/cadence-schema.ts';
import { TransientError } from '../core/errors.ts';
import { assertUnreachable } from '../core/schedule.ts';
import { type EnrollDeps, type Enrollment, enrollLead } from './enroll.ts';
import { InvalidPayload } from './errors.ts';
import { exitReason, type Lead, type LeadStatus, SUPPRESSED_STATUSES, suppressionKey } from './lead.ts';
import { compact } from './lead-input.ts';
import { measureSignal } from './metrics.ts';
import type {
  ActivePointer,
  Aggregates,
  LeadEvent,
  LeadFactName,
  LeadFacts,
  LeadStore,
  Logger,
  MetricSink,
  SignalMarker,
} from './ports.ts';

/*
 * Every way a cadence must stop (docs/architecture.md §4), as one versioned, discriminated signal type and one
 * function that applies it. The rules: DynamoDB is written first (status, facts, suppression, events), executions are
 * stopped after; every signal is applied once, whatever the number of deliveries (a conditional marker item); every
 * status change is an event with its time and source.
 */

const Instant = z.iso.datetime({ offset: true });
const Phone = z.string().regex(/^\+[1-9][0-9]{6,14}$/, { error: 'must be an E.164 number' });
const Currency = z.string().regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code, e.g. USD' });
const MessageId = z.string().min(1).optional();
const OptOutWords = z.string().min(1).max(500);

const base = {
  v: z.literal(1),
  /** The dedupe id: the same fact delivered twice carries the same id. */
  id: z.string().min(1).max(512),
  leadId: z.string().min(1),
  /** When it happened, as its provider says (SES, SNS, EventBridge), so a redelivery records the same instant. */
  at: Instant,
  /** What reported it: "ses-inbound", "ses-events", "list-unsubscribe", "sms", "rep", "shop". */
  source: z.string().min(1),
};

export const OUTCOME_RESULTS = ['replied', 'meeting', 'won', 'lost', 'not-now'] as const;
export type OutcomeResult = (typeof OUTCOME_RESULTS)[number];

export const SignalSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('reply'), messageId: MessageId }),
  /** An out-of-office answer; `until` is the return date it names, when it names one. */
  z.object({ ...base, type: z.literal('auto-reply'), messageId: MessageId, until: Instant.optional() }),
  z.object({
    ...base,
    type: z.literal('bounce'),
    bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
    bounceSubType: z.string().optional(),
    /** The bounced recipients; the lead's email when absent. */
    addresses: z.array(z.string()).optional(),
    messageId: MessageId,
  }),
  z.object({
    ...base,
    type: z.literal('complaint'),
    addresses: z.array(z.string()).optional(),
    feedbackType: z.string().optional(),
    messageId: MessageId,
  }),
  /** `words`: the request to stop, as the lead wrote it, when it came in words rather than a link. */
  z.object({ ...base, type: z.literal('unsubscribe'), words: OptOutWords.optional() }),
  /** A STOP keyword, or an opt-out in words ("please stop texting me"): either revokes SMS consent. */
  z.object({
    ...base,
    type: z.literal('sms-stop'),
    phone: Phone,
    keyword: z.string().optional(),
    words: OptOutWords.optional(),
  }),
  z.object({
    ...base,
    type: z.literal('sms-start'),
    phone: Phone,
    keyword: z.string(),
    /** AWS still has the number on its opt-out list: the START is recorded, and consent stays revoked. */
    stillOptedOut: z.literal(true).optional(),
  }),
  z.object({ ...base, type: z.literal('sms-help'), phone: Phone }),
  z.object({ ...base, type: z.literal('sms-reply'), phone: Phone }),
  z.object({
    ...base,
    type: z.literal('outcome'),
    result: z.enum(OUTCOME_RESULTS),
    value: z.number().nonnegative().optional(),
    currency: Currency.optional(),
    /** For `not-now`: when to try again; DEFAULT_SNOOZE_DAYS from `at` when absent. */
    until: Instant.optional(),
    note: z.string().max(2000).optional(),
  }),
  z.object({
    ...base,
    type: z.literal('conversion'),
    orderId: z.string().min(1),
    revenue: z.number().nonnegative(),
    currency: Currency,
  }),
  z.object({ ...base, type: z.literal('delivery'), messageId: MessageId }),
  z.object({ ...base, type: z.literal('open'), messageId: MessageId }),
  z.object({ ...base, type: z.literal('click'), messageId: MessageId, link: z.string().optional() }),
]);
export type Signal = z.infer<typeof SignalSchema>;
/** A signal whose lead is not known yet (an SES event before its tags are read). */
export type UnmatchedSignal = Signal extends infer S ? (S extends Signal ? Omit<S, 'leadId'> : never) : never;

export const DEFAULT_SNOOZE_DAYS = 30;
/**
 * The longest snooze, counted from when it is recorded: the re-engage execution starts waiting then, and its last
 * touch must still come inside Step Functions' one-year limit.
 */
export const MAX_SNOOZE_DAYS = 330;
export const DEFAULT_CURRENCY = 'USD';
export const REENGAGE_CADENCE = 're-engage';
/** The consent wording recorded when a number texts START. */
export const START_WORDING = 'START keyword';
/** A claim older than this (longer than any function runs) belongs to a delivery that crashed. */
export const STALE_CLAIM_MS = 15 * 60_000;

export interface SignalDeps extends EnrollDeps {
  readonly logger: Logger;
  /** The report's counters (docs/architecture.md §5.3). */
  readonly aggregates?: Aggregates;
  /** CloudWatch business metrics. */
  readonly metrics?: MetricSink;
  /** The cadence a snoozed lead is enrolled in at the end of its snooze; default "re-engage". */
  readonly reengageCadence?: string;
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

/** Statuses a reply (or an out-of-office) acts on; a reply never downgrades meeting or won. */
const ENGAGED: ReadonlySet<LeadStatus> = new Set(['active', 'nurture', 'snoozed']);
/** Statuses only a rep may change: won stays won; suppressed stays suppressed. */
const SETTLED = (status: LeadStatus) => status === 'won' || SUPPRESSED_STATUSES.has(status);

/** The status a signal moves a lead in `status` to; undefined when the status stays. */
export function nextStatus(signal: Signal, status: LeadStatus): LeadStatus | undefined {
  switch (signal.type) {
    case 'reply':
    case 'sms-reply':
      return ENGAGED.has(status) ? 'replied' : undefined;
    case 'auto-reply':
      return signal.until && ENGAGED.has(status) ? 'snoozed' : undefined;
    case 'bounce':
      return signal.bounceType === 'Permanent' && !SETTLED(status) ? 'bounced' : undefined;
    case 'complaint':
      return SETTLED(status) ? undefined : 'complained';
    case 'unsubscribe':
      return SETTLED(status) ? undefined : 'unsubscribed';
    case 'conversion':
      return SETTLED(status) ? undefined : 'won';
    case 'outcome':
      return outcomeStatus(signal.result, status);
    case 'sms-stop':
    case 'sms-start':
    case 'sms-help':
    case 'delivery':
    case 'open':
    case 'click':
      return undefined;
    default:
      return assertUnreachable(signal);
  }
}

function outcomeStatus(result: OutcomeResult, status: LeadStatus): LeadStatus | undefined {
  if (SETTLED(status)) return undefined;
  switch (result) {
    case 'replied':
      return ENGAGED.has(status) ? 'replied' : undefined;
    case 'meeting':
      return status === 'meeting' ? undefined : 'meeting';
    case 'won':
      return 'won';
    case 'lost':
      return status === 'lost' ? undefined : 'lost';
    case 'not-now':
      // From snoozed too: a new date replaces the old one.
      return 'snoozed';
    default:
      return assertUnreachable(result);
  }
}

/** Whether the signal may stop running enrollments: those that end a conversation or a consent. */
function mayStop(signal: Signal, changed: boolean): boolean {
  switch (signal.type) {
    case 'reply':
    case 'sms-reply':
    case 'complaint':
    case 'unsubscribe':
    case 'sms-stop':
    case 'conversion':
    case 'outcome':
      return true;
    case 'bounce':
      return signal.bounceType === 'Permanent';
    case 'auto-reply':
    case 'sms-start':
    case 'sms-help':
    case 'delivery':
    case 'open':
    case 'click':
      return changed;
    default:
      return assertUnreachable(signal);
  }
}

/** Whether the lead's enrollment in `cadence` ends now: the same rule the touch applies, plus an SMS opt-out. */
export function mustStop(
  status: LeadStatus,
  signal: Signal,
  cadence: Pick<Cadence, 'id' | 'then' | 'exitOn'> & { readonly steps?: Cadence['steps'] },
): boolean {
  if (signal.type === 'sms-stop' && cadence.steps?.every((step) => step.channel === 'sms')) return true;
  return exitReason(status, cadence) !== undefined;
}

const DAY_MS = 86_400_000;

/** The latest instant a snooze recorded at `now` may end. */
export function snoozeLimit(now: Date): Date {
  return new Date(now.getTime() + MAX_SNOOZE_DAYS * DAY_MS);
}

interface Snooze {
  readonly until: string;
  /** The date asked for lay beyond MAX_SNOOZE_DAYS and was brought forward to the limit. */
  readonly capped: boolean;
}

/** When a not-now or an out-of-office snoozes the lead until, at most MAX_SNOOZE_DAYS after `now`. */
function snoozeOf(signal: Signal, now: Date): Snooze | undefined {
  let asked: string | undefined;
  if (signal.type === 'auto-reply') asked = signal.until;
  if (signal.type === 'outcome' && signal.result === 'not-now') {
    asked = signal.until ?? new Date(Date.parse(signal.at) + DEFAULT_SNOOZE_DAYS * DAY_MS).toISOString();
  }
  if (!asked) return undefined;
  const limit = snoozeLimit(now);
  return Date.parse(asked) > limit.getTime()
    ? { until: limit.toISOString(), capped: true }
    : { until: asked, capped: false };
}

/** What the signal writes on the lead besides its status. */
function factsOf(
  signal: Signal,
  lead: Lead,
  to: LeadStatus | undefined,
  now: Date,
): { set: LeadFacts; remove: LeadFactName[] } {
  const none = { set: {}, remove: [] };
  switch (signal.type) {
    case 'conversion':
      // The first win carries the deal; a later order of a won customer is an event, not a second deal.
      return lead.status === 'won' || lead.wonAt
        ? none
        : {
            set: { dealValue: signal.revenue, dealCurrency: signal.currency, wonAt: signal.at },
            remove: [],
          };
    case 'outcome':
      if (signal.result === 'won' && to === 'won') {
        return {
          set: compact({
            dealValue: signal.value,
            dealCurrency: signal.value === undefined ? undefined : (signal.currency ?? DEFAULT_CURRENCY),
            wonAt: signal.at,
          }),
          remove: [],
        };
      }
      return to === 'snoozed' ? { set: { snoozedUntil: snoozeOf(signal, now)?.until }, remove: [] } : none;
    case 'auto-reply':
      return to === 'snoozed' ? { set: { snoozedUntil: snoozeOf(signal, now)?.until }, remove: [] } : none;
    case 'sms-stop':
      return { set: { smsOptedOutAt: signal.at }, remove: ['smsConsent'] };
    case 'sms-start':
      if (signal.stillOptedOut) return none;
      return {
        set: { smsConsent: { at: signal.at, source: signal.source, wording: START_WORDING } },
        remove: ['smsOptedOutAt'],
      };
    case 'reply':
    case 'sms-reply':
    case 'bounce':
    case 'complaint':
    case 'unsubscribe':
    case 'sms-help':
    case 'delivery':
    case 'open':
    case 'click':
      return none;
    default:
      return assertUnreachable(signal);
  }
}

/** The addresses a signal puts on the suppression list, with the reason. */
function suppressionOf(signal: Signal, lead: Lead): { addresses: string[]; reason: string } | undefined {
  switch (signal.type) {
    case 'bounce':
      return signal.bounceType === 'Permanent'
        ? { addresses: [lead.email, ...(signal.addresses ?? [])], reason: 'bounce' }
        : undefined;
    case 'complaint':
      return { addresses: [lead.email, ...(signal.addresses ?? [])], reason: 'complaint' };
    case 'unsubscribe':
      return { addresses: [lead.email], reason: 'unsubscribe' };
    case 'sms-stop':
      return { addresses: [signal.phone], reason: 'sms-stop' };
    case 'reply':
    case 'auto-reply':
    case 'sms-start':
    case 'sms-help':
    case 'sms-reply':
    case 'outcome':
    case 'conversion':
    case 'delivery':
    case 'open':
    case 'click':
      return undefined;
    default:
      return assertUnreachable(signal);
  }
}

/** The signal's own event: what happened, with nothing that names the person. */
type Detail = NonNullable<LeadEvent['detail']>;
const detail = (fields: Readonly<Record<string, string | number | boolean | undefined>>): Detail =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Detail;

/** A capped snooze says so in its event: the rep sees the date asked for and the date it became. */
function snoozeDetail(signal: Signal, now: Date) {
  const snooze = snoozeOf(signal, now);
  return snooze?.capped ? { snoozedUntil: snooze.until, snoozeCappedAtDays: MAX_SNOOZE_DAYS } : {};
}

function detailOf(signal: Signal, now: Date): Detail {
  const common = { signalId: signal.id };
  switch (signal.type) {
    case 'bounce':
      return detail({ ...common, bounceType: signal.bounceType, bounceSubType: signal.bounceSubType });
    case 'complaint':
      return detail({ ...common, feedbackType: signal.feedbackType });
    case 'outcome':
      return detail({
        ...common,
        result: signal.result,
        value: signal.value,
        currency: signal.currency,
        until: signal.until,
        note: signal.note,
        ...snoozeDetail(signal, now),
      });
    case 'conversion':
      return { ...common, orderId: signal.orderId, revenue: signal.revenue, currency: signal.currency };
    case 'auto-reply':
      return detail({ ...common, until: signal.until, ...snoozeDetail(signal, now) });
    case 'sms-stop':
      return detail({ ...common, keyword: signal.keyword, words: signal.words });
    case 'sms-start':
      return detail({ ...common, keyword: signal.keyword, stillOptedOut: signal.stillOptedOut });
    case 'click':
      return detail({ ...common, link: signal.link });
    case 'unsubscribe':
      return detail({ ...common, words: signal.words });
    case 'reply':
    case 'sms-help':
    case 'sms-reply':
    case 'delivery':
    case 'open':
      return common;
    default:
      return assertUnreachable(signal);
  }
}

/**
 * Runs `work` once per signal id: a conditional marker is claimed first; a duplicate delivery finds it and does
 * nothing. A failure gives the claim back so the retry applies the signal; a claim left by a crash expires.
 */
export async function applyOnce<T>(
  store: LeadStore,
  marker: Omit<SignalMarker, 'claimedAt'>,
  now: Date,
  work: () => Promise<T>,
  logger?: Logger,
): Promise<{ duplicate: true } | { duplicate: false; value: T }> {
  const claimed = await store.claimSignal(
    { ...marker, claimedAt: now.toISOString() },
    new Date(now.getTime() - STALE_CLAIM_MS).toISOString(),
  );
  if (!claimed) return { duplicate: true };
  const key = { ...(marker.leadId ? { leadId: marker.leadId } : {}), signalId: marker.signalId };
  let value: T;
  try {
    value = await work();
  } catch (error) {
    await store.releaseSignal(key).catch((release: unknown) => {
      logger?.error('signal-release-failed', { leadId: marker.leadId, error: (release as Error)?.name });
    });
    throw error;
  }
  // Everything is done: a failure to mark it so only makes a crash-retry within the window a duplicate.
  await store.finishSignal(key, now.toISOString(), 'applied').catch((error: unknown) => {
    logger?.error('signal-finish-failed', { leadId: marker.leadId, error: (error as Error)?.name });
  });
  return { duplicate: false, value };
}

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
