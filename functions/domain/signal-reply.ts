import { DEFAULT_REPLY_SNOOZE_DAYS } from '../core/config.ts';
import { type IntentReading, readIntent } from '../core/intent.ts';
import type { Referral } from '../core/intent-referral.ts';
import { returnInstant } from '../core/snooze-time.ts';
import { fromISO, INVALID_TEXT } from '../core/zoned.ts';
import { type EnrollResult, enrollLead } from './enroll.ts';
import { type ForwardDeps, type ForwardReading, type ReceivedMessage, replyForward } from './forward.ts';
import { type Lead, SUPPRESSED_STATUSES } from './lead.ts';
import { correctionLinks } from './outcome-links.ts';
import { CORRECTIONS, READING_NAMES } from './signal-reading.ts';
import type { OutcomeResult, SignalReading } from './signal-schema.ts';
import { type AppliedSignal, applySignal, type SignalDeps, type SignalResult } from './signals.ts';
import type { SigningKey } from './tokens.ts';

/*
 * A person's reply, by email or text, read and acted on (#14, docs/architecture.md §4.3): the reader's label decides
 * the signal (an out-of-office typed by hand is an auto-reply, anything else a reply carrying its reading), a
 * referral enrolls the person it names, and the owner's forward says what it was read as, with signed links to
 * correct it. Everything after the signal's write runs inside its once, so a second delivery does nothing.
 */

export interface ReplyDeps extends SignalDeps, ForwardDeps {
  /** The base of correction links; without it (or a key) the forward says what it read, with no links. */
  readonly apiBaseUrl?: string;
  readonly signingKey?: () => Promise<SigningKey>;
}

export interface ReadReply {
  readonly intent: IntentReading;
  /** As the signal carries it: a not-now's `until` always set (the default snooze when the reply names none). */
  readonly reading: SignalReading;
}

const MAX_CUE = 500;

/** Reads a reply's text in its lead's zone; `now` is when it is applied (the snooze limit counts from it). */
export function readReply(
  text: string,
  context: {
    readonly channel: 'email' | 'sms';
    readonly receivedAt: string;
    readonly zone: string;
    readonly lead: Pick<Lead, 'email'>;
    readonly snoozeDays?: number;
    readonly now: Date;
  },
): ReadReply {
  const intent = readIntent(text, {
    receivedAt: new Date(context.receivedAt),
    zone: context.zone,
    channel: context.channel,
    now: context.now,
    leadEmail: context.lead.email,
  });
  let until = intent.until;
  if (intent.label === 'not-now' && !until) {
    const days = context.snoozeDays ?? DEFAULT_REPLY_SNOOZE_DAYS;
    const day = fromISO(context.receivedAt, context.zone)?.plus({ days }).toISODate();
    until = day ? returnInstant(day, context.zone) : undefined;
  }
  const reading: SignalReading = {
    label: intent.label,
    confidence: intent.confidence,
    cue: intent.cue.slice(0, MAX_CUE),
    ...(until ? { until } : {}),
    ...(intent.reason ? { reason: intent.reason } : {}),
  };
  return { intent, reading };
}

/** The outcome each reading amounts to: a correction offers the others. */
function resultOf(reading: SignalReading): OutcomeResult | undefined {
  switch (reading.label) {
    case 'meeting':
      return 'meeting';
    case 'not-now':
      return 'not-now';
    case 'no':
    case 'wrong-person':
      return 'lost';
    case 'referral':
      return undefined;
    default:
      return 'replied';
  }
}

const dayOf = (iso: string, zone: string) => {
  const at = fromISO(iso, zone);
  return at ? `${at.weekdayShort()} ${at.dayMonthYear()}` : INVALID_TEXT;
};

function who(referral: Referral): string {
  if (referral.name && referral.email) return `${referral.name} <${referral.email}>`;
  return referral.name ?? referral.email ?? 'someone';
}

/** "Read as: …", with what it did to the lead. */
export function readingSummary(
  read: ReadReply,
  lead: Lead,
  zone: string,
  referred?: EnrollResult | 'no-cadence',
): string {
  const { reading, intent } = read;
  const name = READING_NAMES[reading.label];
  const sure = `${Math.round(reading.confidence * 100)}% sure${reading.cue ? `, from "${reading.cue}"` : ''}`;
  const said = (what: string) => `Read as: ${what} (${sure}).`;
  switch (reading.label) {
    case 'not-now':
      return lead.status === 'snoozed' && lead.snoozedUntil
        ? said(`${name}, until ${dayOf(lead.snoozedUntil, zone)}: re-engage starts then`)
        : said(`${name}, until ${reading.until ? dayOf(reading.until, zone) : 'later'}`);
    case 'no':
      return said(`${name}: the lead is lost, with no more follow-up and no nurture`);
    case 'wrong-person':
      return said(
        `${reading.reason === 'left-company' ? 'left the company' : name}: the lead is lost, with no more follow-up`,
      );
    case 'meeting':
      return said(`${name}: a time is proposed or accepted`);
    case 'referral': {
      const person = intent.referral ? who(intent.referral) : 'someone';
      if (!intent.referral?.email) return said(`${name} to ${person}, with no address: add them yourself`);
      if (referred === 'no-cadence' || !referred) return said(`${name} to ${person}: add them yourself`);
      const e = referred.enrollment;
      return e.status === 'not-enrolled'
        ? said(`${name} to ${person}: not enrolled (${e.reason})`)
        : said(`${name} to ${person}: added as a lead and enrolled in ${e.cadence}`);
    }
    case 'unsure':
      return said(`${name}: a person decides`);
    default:
      return said(name);
  }
}

/** The person a referral names, as a lead of their own in the referral cadence; the referrer's owner owns them. */
async function enrollReferral(
  deps: ReplyDeps,
  lead: Lead,
  referral: Referral | undefined,
  now: Date,
): Promise<EnrollResult | 'no-cadence' | undefined> {
  if (!referral?.email || SUPPRESSED_STATUSES.has(lead.status)) return undefined;
  // Enrolling a person who never signed up is the business's choice: only in a cadence the config names.
  const cadenceId = deps.replies?.referralCadence;
  if (!cadenceId) return 'no-cadence';
  if (!(await deps.cadences.get(cadenceId))) {
    deps.logger.warn('referral-without-cadence', { leadId: lead.leadId, cadence: cadenceId });
    return 'no-cadence';
  }
  const result = await enrollLead(
    { ...deps, ...(lead.owner ? { owner: lead.owner } : {}) },
    {
      profile: {
        email: referral.email,
        ...(referral.name ? { name: referral.name } : {}),
        source: 'referral',
        referredBy: lead.leadId,
      },
      cadenceId,
      source: `referral:${lead.leadId}`,
    },
    now,
  );
  deps.logger.info('referral-enrolled', {
    leadId: lead.leadId,
    referredLeadId: result.leadId,
    enrollment: result.enrollment.status,
  });
  return result;
}

async function links(deps: ReplyDeps, read: ReadReply, leadId: string, signalId: string, now: Date) {
  if (!deps.apiBaseUrl || !deps.signingKey || read.reading.label === 'unsubscribe') return [];
  const current = resultOf(read.reading);
  const offered = CORRECTIONS.filter((result) => result !== current);
  return correctionLinks(deps.apiBaseUrl, leadId, signalId, offered, await deps.signingKey(), now);
}

export interface ReplyDelivery {
  readonly id: string;
  readonly leadId: string;
  readonly at: string;
  readonly source: string;
  readonly read: ReadReply;
  readonly received: ReceivedMessage;
  readonly zone: string;
  /** The email's message id, or the number a text came from. */
  readonly messageId?: string;
  readonly phone?: string;
}

/** What a reply became: an auto-reply (an out-of-office in words) or a reply with its reading. */
export interface DeliveredReply {
  readonly kind: 'reply' | 'auto-reply';
  readonly result: SignalResult;
}

/** Applies a read reply once: the status its reading means, the referral, then the owner's forward. */
export async function deliverReply(
  deps: ReplyDeps,
  reply: ReplyDelivery,
  now: Date,
): Promise<DeliveredReply> {
  const { read } = reply;
  const base = { v: 1 as const, id: reply.id, leadId: reply.leadId, at: reply.at, source: reply.source };
  const messageId = reply.messageId ? { messageId: reply.messageId } : {};
  if (read.reading.label === 'out-of-office') {
    // Not a reply: the cadence goes on, or waits for the return date the writer gave.
    const until = read.reading.until ? { until: read.reading.until } : {};
    const result = await applySignal(
      deps,
      { ...base, type: 'auto-reply', ...messageId, ...until, reading: read.reading },
      now,
    );
    return { kind: 'auto-reply', result };
  }
  const forward = async (applied: AppliedSignal) => {
    const referred =
      read.reading.label === 'referral'
        ? await enrollReferral(deps, applied.lead, read.intent.referral, now)
        : undefined;
    const reading: ForwardReading = {
      summary: readingSummary(read, applied.lead, reply.zone, referred),
      links: await links(deps, read, applied.lead.leadId, reply.id, now),
    };
    await deps.mailer.send(
      replyForward(applied.lead, reply.received, {
        to: applied.lead.owner ?? deps.ownerEmail,
        zone: reply.zone,
        stopped: applied.stopped,
        reading,
      }),
    );
  };
  const result = reply.phone
    ? await applySignal(
        deps,
        { ...base, type: 'sms-reply', phone: reply.phone, reading: read.reading },
        now,
        forward,
      )
    : await applySignal(deps, { ...base, type: 'reply', ...messageId, reading: read.reading }, now, forward);
  return { kind: 'reply', result };
}
