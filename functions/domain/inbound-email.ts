import { findOptOut, type OptOutCue } from '../core/opt-out-words.ts';
import { newReplyText } from '../core/reply-text.ts';
import { isTimeZone } from '../core/schedule.ts';
import { applyOnce } from './apply-once.ts';
import { findReturnDate, isAutoReply, type MailHeaders, returnInstant } from './auto-reply.ts';
import {
  type ForwardDeps,
  quarantineNotice,
  type ReceivedMessage,
  replyForward,
  type UnmatchedFlag,
  unmatchedForward,
} from './forward.ts';
import { type Lead, leadIdFor } from './lead.ts';
import { deliverReply, type ReplyDeps, readReply } from './signal-reply.ts';
import { applySignal, type SignalResult } from './signals.ts';
import { type SigningKey, verifyToken } from './tokens.ts';

/*
 * An email received at the reply domain: matched to its lead by the signed token in reply+TOKEN@…, else by the
 * sender when SES's verdicts prove the sender (anyone can write a lead's address in From); a machine's answer is
 * recorded (and snoozes the lead when it names a return date); a person's answer stops the follow-up and goes to
 * the lead's owner, and one that asks to stop ("please remove me from your list") unsubscribes the lead as the
 * one-click link does. Mail that matches no lead goes to the fallback address. SES's verdicts come first: a virus
 * is never opened, spam never stops a follow-up. Each message is handled once, however often SES delivers it.
 */

/** An SES receipt verdict; GRAY means SES could not decide. */
export type Verdict = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED';

/** What SES concluded on receipt (the spam and virus scan, SPF, DKIM, DMARC); absent when it did not say. */
export interface Verdicts {
  readonly spam?: Verdict;
  readonly virus?: Verdict;
  readonly spf?: Verdict;
  readonly dkim?: Verdict;
  readonly dmarc?: Verdict;
}

/** What the SES receipt event says of a message, before anyone opens it. */
export interface Receipt {
  /** The SES message id: the dedupe id, and the stored object's name. */
  readonly messageId: string;
  readonly receivedAt: string;
  /** The SES envelope recipients (the reply+TOKEN address even when it was a Bcc). */
  readonly recipients: readonly string[];
  readonly verdicts: Verdicts;
  /** The envelope MAIL FROM (SES's `mail.source`): the address the SPF verdict is about. */
  readonly envelopeFrom?: string;
}

/** A received message, opened: the receipt plus what its MIME says. */
export interface InboundMail extends Receipt {
  readonly from?: string;
  readonly fromName?: string;
  /** Every address it was sent to: the SES envelope recipients, To and Cc. */
  readonly recipients: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly headers: MailHeaders;
}

export interface InboundEmailDeps extends ReplyDeps, ForwardDeps {
  /** The key of reply tokens (the one that signs unsubscribe links and outcome links). */
  readonly signingKey: () => Promise<SigningKey>;
}

export type InboundEmailResult =
  | {
      readonly kind: 'reply' | 'auto-reply' | 'opt-out';
      readonly leadId: string;
      readonly matchedBy: 'token' | 'sender';
      readonly outcome: SignalResult['outcome'];
      /** The return date an auto-reply named, as the instant the lead is snoozed until. */
      readonly until?: string;
      /** The rule that read an opt-out in the reply's words. */
      readonly rule?: string;
      /** What a person's reply was read as (functions/core/intent.ts). */
      readonly reading?: string;
    }
  | {
      readonly kind: 'unmatched';
      readonly outcome: 'forwarded' | 'duplicate';
      /**
       * Forwarded as unmatched whoever it names: SES's spam verdict failed, or the From is a lead's address that
       * SES's verdicts do not prove.
       */
      readonly flagged?: UnmatchedFlag;
    }
  /** SES found a virus: the message was never opened; the owner hears its id only. */
  | { readonly kind: 'quarantined'; readonly outcome: 'recorded' | 'duplicate' };

const REPLY_ADDRESS = /^reply\+([^@\s]+)@/i;
const SOURCE = 'ses-inbound';

const domainOf = (address: string | undefined) => address?.trim().toLowerCase().split('@').at(-1) ?? '';

/**
 * Whether SES's verdicts prove the From address is the sender's. DMARC PASS is exactly that: SPF or DKIM passed for
 * a domain aligned with the From domain. DMARC FAIL is the opposite. Without a DMARC verdict (GRAY: the domain
 * publishes no policy), SPF PASS counts when the envelope MAIL FROM it checked is the From domain or under it;
 * DKIM PASS alone does not, since SES's verdict does not say which domain signed.
 */
export function senderAuthenticated(mail: Pick<InboundMail, 'from' | 'envelopeFrom' | 'verdicts'>): boolean {
  const { dmarc, spf } = mail.verdicts;
  if (dmarc === 'PASS') return true;
  if (dmarc === 'FAIL' || spf !== 'PASS') return false;
  const from = domainOf(mail.from);
  const envelope = domainOf(mail.envelopeFrom);
  return from !== '' && (envelope === from || envelope.endsWith(`.${from}`));
}

type Match =
  | { readonly lead: Lead; readonly by: 'token' | 'sender' }
  /** The From names a lead, but nothing proves the lead sent it. */
  | { readonly unverified: true };

async function matchLead(deps: InboundEmailDeps, mail: InboundMail): Promise<Match | undefined> {
  const key = await deps.signingKey();
  for (const recipient of mail.recipients) {
    const token = REPLY_ADDRESS.exec(recipient.trim())?.[1];
    const leadId = token ? verifyToken(token, key) : undefined;
    const lead = leadId ? await deps.store.getLead(leadId) : undefined;
    if (lead) return { lead, by: 'token' };
  }
  if (mail.from) {
    const lead = await deps.store.getLead(leadIdFor(mail.from));
    if (lead) return senderAuthenticated(mail) ? { lead, by: 'sender' } : { unverified: true };
  }
  return undefined;
}

/** A fresh subject counts as the lead's words; "Re: …" is our own subject coming back. */
const OWN_SUBJECT = /^\s*(?:(?:re|aw|sv|fw|fwd|wg)\s*:|\[)/i;

/** A request to stop in the reply's new text (not the quoted history, which holds our own footer). */
function optOutIn(mail: InboundMail): OptOutCue | undefined {
  const cue =
    findOptOut(newReplyText(mail.text)) ??
    (OWN_SUBJECT.test(mail.subject) ? undefined : findOptOut(mail.subject));
  // "You have the wrong person" by email is a wrong contact, not a request to stop: the reader makes it lost (#14).
  return cue?.rule === 'wrong-number' ? undefined : cue;
}

const optOutNote = (cue: OptOutCue, phoneToo: boolean) =>
  `They asked to stop ("${cue.words}"): they are unsubscribed from email${phoneToo ? ', and their SMS consent is revoked' : ''}. No more emails go to them.`;

const zoneOf = (lead: Lead, fallback: string) => (lead.zone && isTimeZone(lead.zone) ? lead.zone : fallback);

function received(mail: InboundMail): ReceivedMessage {
  return {
    channel: 'email',
    from: mail.from ?? '',
    ...(mail.fromName ? { fromName: mail.fromName } : {}),
    subject: mail.subject,
    text: mail.text,
    receivedAt: mail.receivedAt,
    recipients: mail.recipients,
  };
}

async function quarantine(deps: InboundEmailDeps, receipt: Receipt, now: Date): Promise<InboundEmailResult> {
  const recorded = await applyOnce(
    deps.store,
    { signalId: `email:${receipt.messageId}`, type: 'quarantined-email', source: SOURCE },
    now,
    () => deps.mailer.send(quarantineNotice(receipt, deps.ownerEmail)),
    deps.logger,
  );
  deps.logger.warn('inbound-quarantined', { messageId: receipt.messageId, duplicate: recorded.duplicate });
  return { kind: 'quarantined', outcome: recorded.duplicate ? 'duplicate' : 'recorded' };
}

async function forwardUnmatched(
  deps: InboundEmailDeps,
  mail: InboundMail,
  now: Date,
  flagged?: UnmatchedFlag,
): Promise<InboundEmailResult> {
  const forwarded = await applyOnce(
    deps.store,
    {
      signalId: `email:${mail.messageId}`,
      type: flagged ? `${flagged}-email` : 'unmatched-email',
      source: SOURCE,
    },
    now,
    () => deps.mailer.send(unmatchedForward(received(mail), deps.fallbackEmail, flagged)),
    deps.logger,
  );
  deps.logger.info('inbound-unmatched', {
    messageId: mail.messageId,
    duplicate: forwarded.duplicate,
    ...(flagged ? { flagged } : {}),
  });
  return {
    kind: 'unmatched',
    outcome: forwarded.duplicate ? 'duplicate' : 'forwarded',
    ...(flagged ? { flagged } : {}),
  };
}

/**
 * Handles a message SES received; `read` opens it (fetches and parses the stored MIME), and is not called for a
 * message SES found a virus in.
 */
export async function receiveEmail(
  deps: InboundEmailDeps,
  receipt: Receipt,
  read: () => Promise<InboundMail>,
  now: Date,
): Promise<InboundEmailResult> {
  if (receipt.verdicts.virus === 'FAIL') return quarantine(deps, receipt, now);
  const mail = await read();
  // Spam counts as no one's answer: SES's filter can be wrong, so a person still sees it, labelled.
  if (receipt.verdicts.spam === 'FAIL') return forwardUnmatched(deps, mail, now, 'spam');
  const id = `email:${mail.messageId}`;
  const match = await matchLead(deps, mail);
  if (match && 'unverified' in match) return forwardUnmatched(deps, mail, now, 'unverified-sender');
  if (match) {
    const { lead, by } = match;
    const base = { v: 1 as const, id, leadId: lead.leadId, at: mail.receivedAt, source: SOURCE };
    const auto = isAutoReply({
      headers: mail.headers,
      subject: mail.subject,
      ...(mail.from ? { from: mail.from } : {}),
    });
    if (auto) {
      const zone = zoneOf(lead, deps.defaultTimeZone);
      const date = findReturnDate(`${mail.subject}\n${mail.text}`, new Date(mail.receivedAt), zone);
      const until = date ? returnInstant(date, zone) : undefined;
      const result = await applySignal(
        deps,
        { ...base, type: 'auto-reply', messageId: mail.messageId, ...(until ? { until } : {}) },
        now,
      );
      if (result.outcome !== 'no-lead') {
        return {
          kind: 'auto-reply',
          leadId: lead.leadId,
          matchedBy: by,
          outcome: result.outcome,
          ...(until ? { until } : {}),
        };
      }
    } else {
      const cue = optOutIn(mail);
      if (cue) {
        const result = await optOut(deps, { ...base, words: cue.words }, cue, mail, now);
        if (result.outcome !== 'no-lead') {
          return {
            kind: 'opt-out',
            leadId: lead.leadId,
            matchedBy: by,
            outcome: result.outcome,
            rule: cue.rule,
          };
        }
        return forwardUnmatched(deps, mail, now);
      }
      const zone = zoneOf(lead, deps.defaultTimeZone);
      const read = readReply(mail.text, {
        channel: 'email',
        receivedAt: mail.receivedAt,
        zone,
        lead,
        ...(deps.replies?.snoozeDays ? { snoozeDays: deps.replies.snoozeDays } : {}),
        now,
      });
      const { kind, result } = await deliverReply(
        deps,
        { ...base, read, received: received(mail), zone, messageId: mail.messageId },
        now,
      );
      if (result.outcome !== 'no-lead') {
        const until = kind === 'auto-reply' && read.reading.until ? { until: read.reading.until } : {};
        return {
          kind,
          leadId: lead.leadId,
          matchedBy: by,
          outcome: result.outcome,
          reading: read.reading.label,
          ...until,
        };
      }
    }
  }

  return forwardUnmatched(deps, mail, now);
}

/**
 * An opt-out in words, by email: the lead is unsubscribed as the one-click link does it (and, when the words name
 * texts, SMS consent is revoked too: revocation by any reasonable means counts), and the owner still gets the email.
 */
async function optOut(
  deps: InboundEmailDeps,
  signal: { v: 1; id: string; leadId: string; at: string; source: string; words: string },
  cue: OptOutCue,
  mail: InboundMail,
  now: Date,
): Promise<SignalResult> {
  return applySignal(deps, { ...signal, type: 'unsubscribe' }, now, async (applied) => {
    const phone = cue.channel === 'sms' ? applied.lead.phone : undefined;
    if (phone) {
      await applySignal(deps, { ...signal, id: `${signal.id}:sms`, type: 'sms-stop', phone }, now);
    }
    await deps.mailer.send(
      replyForward(applied.lead, received(mail), {
        to: applied.lead.owner ?? deps.ownerEmail,
        zone: zoneOf(applied.lead, deps.defaultTimeZone),
        stopped: applied.stopped,
        note: optOutNote(cue, phone !== undefined),
      }),
    );
  });
}
