import { createHash } from 'node:crypto';
import { type Cadence, type Channel, EXIT_SIGNALS, type ExitSignal } from '../core/cadence-schema.ts';
import type { CartVariables } from '../core/template-context.ts';

/*
 * The lead as the engine keeps it (docs/architecture.md §5.2): one record per normalized email, with the fields a rep
 * needs at a glance, its consent, and the bookkeeping the touch function needs (recent sends for the frequency cap).
 */

export const LEAD_STATUSES = [
  'active',
  'replied',
  'meeting',
  /** The reply handed the conversation to someone else, who became a lead of their own (#14). */
  'referred',
  'won',
  'lost',
  'snoozed',
  'nurture',
  'unsubscribed',
  'bounced',
  'complained',
] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** Statuses after which nothing goes to the address again, whatever the cadence says. */
export const SUPPRESSED_STATUSES: ReadonlySet<LeadStatus> = new Set([
  'unsubscribed',
  'bounced',
  'complained',
]);

/** Statuses a new signup moves back to `active`: the lead raised a hand again. */
export const REACTIVATED_STATUSES: ReadonlySet<LeadStatus> = new Set(['nurture', 'lost', 'snoozed']);

/** Proof of SMS consent: when it was given, on which page, and the words the lead agreed to. */
export interface SmsConsent {
  readonly at: string;
  readonly source: string;
  readonly wording: string;
}

export interface Utm {
  readonly source?: string;
  readonly medium?: string;
  readonly campaign?: string;
  readonly term?: string;
  readonly content?: string;
}

/** What a signup, an import row or a shop event says about a lead. */
export interface LeadProfile {
  readonly email: string;
  readonly name?: string;
  readonly company?: string;
  /** E.164. */
  readonly phone?: string;
  /** IANA zone. */
  readonly zone?: string;
  readonly note?: string;
  readonly interest?: string;
  /** Where the lead came from: a page URL, "csv import", "shop". */
  readonly source?: string;
  readonly utm?: Utm;
  readonly smsConsent?: SmsConsent;
  readonly cart?: CartVariables;
  /** The lead whose reply named this one (source `referral`). */
  readonly referredBy?: string;
}

/** What the reply reader made of the lead's last answer (functions/core/intent.ts), as the rep sees it. */
export interface LeadReading {
  readonly label: string;
  readonly confidence: number;
  readonly cue: string;
  readonly at: string;
  /** The signal it was read from: a correction names it. */
  readonly signalId: string;
}

export interface Lead extends LeadProfile {
  readonly leadId: string;
  readonly status: LeadStatus;
  /** The rep who owns the lead (an email address). */
  readonly owner?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly statusChangedAt?: string;
  readonly lastContactAt?: string;
  readonly lastChannel?: Channel;
  /** The template of the last touch: what was sent. */
  readonly lastTemplate?: string;
  /** When the lead got its first touch: the month it is counted in by the report (its cohort). */
  readonly firstContactAt?: string;
  /** The cadence and enrollment of the last touch: a reply or a deal is counted for that touch. */
  readonly lastCadence?: string;
  readonly lastEnrollment?: string;
  readonly nextTouchAt?: string;
  readonly touchCount: number;
  readonly smsCount: number;
  /** `<instant>|<touch>` of recent email and SMS sends, for the frequency cap. */
  readonly recentSends: readonly string[];
  /** Bumped on every change to `recentSends`, so concurrent sends cannot both take the last slot. */
  readonly sendsVersion: number;
  /** The deal, recorded when the lead is won (a rep's outcome or a purchase), for the report. */
  readonly dealValue?: number;
  /** ISO 4217 code of `dealValue`, e.g. "USD". */
  readonly dealCurrency?: string;
  readonly wonAt?: string;
  /** A snoozed lead's cadences resume at this instant (a "not now", an out-of-office return date). */
  readonly snoozedUntil?: string;
  /** When the lead texted STOP; its consent is gone until it texts START. */
  readonly smsOptedOutAt?: string;
  /** Why a lead is lost when a reply said so: "not-interested", "wrong-person", "left-company". */
  readonly lostReason?: string;
  readonly reading?: LeadReading;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The lead's key: derived from the normalized email, so a duplicate signup lands on the same record. */
export function leadIdFor(email: string): string {
  return `ld_${sha256(normalizeEmail(email)).slice(0, 24)}`;
}

/** The suppression key of an address: a hash of the normalized email or the E.164 phone, never the address. */
export function suppressionKey(address: string): string {
  return sha256(address.includes('@') ? normalizeEmail(address) : address.trim());
}

/** A nurture cadence keeps nurture leads; it is named so ("…nurture") or chains to itself. */
export function isNurtureCadence(cadence: Pick<Cadence, 'id' | 'then'>): boolean {
  return cadence.id.endsWith('nurture') || cadence.then === cadence.id;
}

/** Whether a lead in `status` may receive this cadence's touches. */
export function statusAllows(status: LeadStatus, cadence: Pick<Cadence, 'id' | 'then'>): boolean {
  return status === 'active' || (status === 'nurture' && isNurtureCadence(cadence));
}

/** The signal each status stands for; a status with none (lost, snoozed, nurture) is the rep's decision. */
const SIGNAL_OF: Partial<Record<LeadStatus, ExitSignal>> = {
  replied: 'reply',
  meeting: 'reply',
  referred: 'reply',
  won: 'conversion',
  unsubscribed: 'unsubscribe',
  bounced: 'bounce',
  complained: 'complaint',
};

/**
 * Why the lead leaves this cadence now, or undefined when it stays. A status whose signal the cadence does not
 * exit on keeps it running (a cart cadence may ignore replies); suppressed addresses are then skipped per touch.
 */
export function exitReason(
  status: LeadStatus,
  cadence: Pick<Cadence, 'id' | 'then'> & { readonly exitOn?: readonly ExitSignal[] | undefined },
): string | undefined {
  if (statusAllows(status, cadence)) return undefined;
  const signal = SIGNAL_OF[status];
  const exitOn = cadence.exitOn ?? EXIT_SIGNALS;
  if (signal === undefined || exitOn.includes(signal)) return `lead is ${status}`;
  return undefined;
}
