import type { Cadence } from '../core/cadence-schema.ts';
import { assertUnreachable } from '../core/unreachable.ts';
import { exitReason, type Lead, type LeadStatus, SUPPRESSED_STATUSES } from './lead.ts';
import { compact } from './lead-input.ts';
import type { LeadEvent, LeadFactName, LeadFacts } from './ports.ts';
import {
  correctedStatus,
  readingDetail,
  readingFacts,
  readingStatus,
  readingUntil,
} from './signal-reading.ts';
import type { OutcomeResult, Signal } from './signal-schema.ts';

/*
 * What a signal changes, as pure functions of the signal and the lead (docs/architecture.md §4): the status it moves
 * to, the facts and suppressions it writes, the event it records, and whether it stops running enrollments.
 */

export const DEFAULT_SNOOZE_DAYS = 30;
/**
 * The longest snooze, counted from when it is recorded: the re-engage execution starts waiting then, and its last
 * touch must still come inside Step Functions' one-year limit.
 */
export const MAX_SNOOZE_DAYS = 330;
export const DEFAULT_CURRENCY = 'USD';
/** The consent wording recorded when a number texts START. */
export const START_WORDING = 'START keyword';

/** Statuses a reply (or an out-of-office) acts on; a reply never downgrades meeting or won. */
const ENGAGED: ReadonlySet<LeadStatus> = new Set(['active', 'nurture', 'snoozed']);
/** Statuses only a rep may change: won stays won; suppressed stays suppressed. */
const SETTLED = (status: LeadStatus) => status === 'won' || SUPPRESSED_STATUSES.has(status);

/** The status a signal moves a lead in `status` to; undefined when the status stays. */
export function nextStatus(signal: Signal, status: LeadStatus): LeadStatus | undefined {
  switch (signal.type) {
    case 'reply':
    case 'sms-reply':
      return readingStatus(signal.reading, status, ENGAGED.has(status));
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
      if (signal.corrects) return SETTLED(status) ? undefined : correctedStatus(signal.result, status);
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
export function mayStop(signal: Signal, changed: boolean): boolean {
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
  let asked: string | undefined = readingUntil(signal);
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
export function factsOf(
  signal: Signal,
  lead: Lead,
  to: LeadStatus | undefined,
  now: Date,
): { set: LeadFacts; remove: LeadFactName[] } {
  const reading = readingFacts(signal, to);
  const none = { set: reading, remove: [] };
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
      return snoozing(signal, to, now, reading);
    case 'auto-reply':
    case 'reply':
    case 'sms-reply':
      return snoozing(signal, to, now, reading);
    case 'sms-stop':
      return { set: { ...reading, smsOptedOutAt: signal.at }, remove: ['smsConsent'] };
    case 'sms-start':
      if (signal.stillOptedOut) return none;
      return {
        set: { smsConsent: { at: signal.at, source: signal.source, wording: START_WORDING } },
        remove: ['smsOptedOutAt'],
      };
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

/** A snooze's end, when the signal snoozes; a lead that leaves a snooze keeps no stale lost reason either. */
function snoozing(
  signal: Signal,
  to: LeadStatus | undefined,
  now: Date,
  reading: LeadFacts,
): { set: LeadFacts; remove: LeadFactName[] } {
  const remove: LeadFactName[] = to && to !== 'lost' && reading.reading ? ['lostReason'] : [];
  if (to !== 'snoozed') return { set: reading, remove };
  return { set: { ...reading, snoozedUntil: snoozeOf(signal, now)?.until }, remove };
}

/** The addresses a signal puts on the suppression list, with the reason. */
export function suppressionOf(
  signal: Signal,
  lead: Lead,
): { addresses: string[]; reason: string } | undefined {
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

export function detailOf(signal: Signal, now: Date): Detail {
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
        corrects: signal.corrects,
        ...snoozeDetail(signal, now),
      });
    case 'conversion':
      return { ...common, orderId: signal.orderId, revenue: signal.revenue, currency: signal.currency };
    case 'auto-reply':
      return detail({
        ...common,
        until: signal.until,
        ...readingDetail(signal),
        ...snoozeDetail(signal, now),
      });
    case 'sms-stop':
      return detail({ ...common, keyword: signal.keyword, words: signal.words, ...readingDetail(signal) });
    case 'sms-start':
      return detail({ ...common, keyword: signal.keyword, stillOptedOut: signal.stillOptedOut });
    case 'click':
      return detail({ ...common, link: signal.link });
    case 'unsubscribe':
      return detail({ ...common, words: signal.words, ...readingDetail(signal) });
    case 'reply':
    case 'sms-reply':
      return detail({
        ...common,
        ...readingDetail(signal),
        until: readingUntil(signal),
        ...snoozeDetail(signal, now),
      });
    case 'sms-help':
    case 'delivery':
    case 'open':
      return common;
    default:
      return assertUnreachable(signal);
  }
}
