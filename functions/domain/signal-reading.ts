import { DEFAULT_REPLY_SNOOZE_DAYS } from '../core/config.ts';
import type { Lead, LeadReading, LeadStatus } from './lead.ts';
import type { LeadFacts } from './ports.ts';
import type { OutcomeResult, ReadingLabel, Signal, SignalReading } from './signal-schema.ts';

/*
 * What a reply's reading does to its lead (#14, docs/architecture.md §4.3), as pure functions: interested, a
 * question or anything unsure is `replied` as before (a person decides); a time accepted is `meeting`; a not-now
 * snoozes; a real no and a wrong person are `lost` with the reason; a referral is `referred`. A rep's correction is
 * an outcome that names the reply it overrules, and moves the lead from whatever that reading made of it.
 */

const DAY_MS = 86_400_000;

/** The readings a rep can correct to from the forward, each as the outcome it records. */
export const CORRECTIONS: readonly OutcomeResult[] = ['replied', 'meeting', 'not-now', 'lost'];

/** The reading a correction stands for, shown on the lead as what the reply now reads as. */
const CORRECTED_AS: Readonly<Record<OutcomeResult, ReadingLabel>> = {
  replied: 'interested',
  meeting: 'meeting',
  'not-now': 'not-now',
  lost: 'no',
  won: 'interested',
};

/** What the forward and the lead page call each reading. */
export const READING_NAMES: Readonly<Record<ReadingLabel, string>> = {
  interested: 'interested',
  question: 'a question',
  meeting: 'meeting',
  'not-now': 'not now',
  no: 'no',
  referral: 'referral',
  'wrong-person': 'wrong person',
  unsubscribe: 'unsubscribe',
  'out-of-office': 'out of office',
  unsure: 'unsure',
};

/**
 * The status a human reply read as `reading` moves a lead in `status` to; `engaged` says whether a reply acts on
 * that status at all (active, nurture, snoozed). Undefined when the status stays.
 */
export function readingStatus(
  reading: SignalReading | undefined,
  status: LeadStatus,
  engaged: boolean,
): LeadStatus | undefined {
  switch (reading?.label) {
    case 'meeting':
      // A time accepted after an earlier answer is still news: replied moves on to meeting.
      return engaged || status === 'replied' ? 'meeting' : undefined;
    case 'not-now':
      return engaged ? 'snoozed' : undefined;
    case 'no':
    case 'wrong-person':
      return engaged ? 'lost' : undefined;
    case 'referral':
      return engaged ? 'referred' : undefined;
    default:
      return engaged ? 'replied' : undefined;
  }
}

/** A correction moves the lead from what the reading made of it; won and suppressed leads stay as they are. */
export function correctedStatus(result: OutcomeResult, status: LeadStatus): LeadStatus | undefined {
  const to: LeadStatus = result === 'not-now' ? 'snoozed' : result;
  return to === status && to !== 'snoozed' ? undefined : to;
}

/** The snooze a not-now reading asks for: its `until`, else the default wait from the reply's arrival. */
export function readingUntil(signal: Signal): string | undefined {
  if (signal.type !== 'reply' && signal.type !== 'sms-reply') return undefined;
  if (signal.reading?.label !== 'not-now') return undefined;
  return (
    signal.reading.until ?? new Date(Date.parse(signal.at) + DEFAULT_REPLY_SNOOZE_DAYS * DAY_MS).toISOString()
  );
}

/** The reading a signal carries, as the lead keeps it; a correction is a reading by a person, so fully sure. */
export function leadReadingOf(signal: Signal): LeadReading | undefined {
  if (signal.type === 'outcome' && signal.corrects) {
    return {
      label: CORRECTED_AS[signal.result],
      confidence: 1,
      cue: 'corrected by a person',
      at: signal.at,
      signalId: signal.corrects,
    };
  }
  const reading = 'reading' in signal ? signal.reading : undefined;
  return reading
    ? {
        label: reading.label,
        confidence: reading.confidence,
        cue: reading.cue,
        at: signal.at,
        signalId: signal.id,
      }
    : undefined;
}

/** The facts a reading writes besides the snooze: the reading itself, and why a lost lead is lost. */
export function readingFacts(signal: Signal, to: LeadStatus | undefined): LeadFacts {
  const reading = leadReadingOf(signal);
  if (!reading) return {};
  const signalReading = 'reading' in signal ? signal.reading : undefined;
  const lostReason = to === 'lost' && signalReading ? (signalReading.reason ?? 'not-interested') : undefined;
  return { reading, ...(lostReason ? { lostReason } : {}) };
}

/** The reading in the signal's event: label, confidence, cue (the words as the lead wrote them, no address). */
export function readingDetail(signal: Signal): Readonly<Record<string, string | number>> {
  const reading = 'reading' in signal ? signal.reading : undefined;
  if (!reading) return {};
  return {
    reading: reading.label,
    confidence: reading.confidence,
    cue: reading.cue,
    ...(reading.reason ? { reason: reading.reason } : {}),
  };
}

/** Whether a lead's stored reading is from the day `day` (YYYY-MM-DD, UTC) and, when given, has `label`. */
export function readToday(lead: Pick<Lead, 'reading'>, day: string, label?: string): boolean {
  return lead.reading?.at.startsWith(day) === true && (!label || lead.reading.label === label);
}
