import { IANAZone } from 'luxon';
import { findReturnDate, isAutoReply, type MailHeaders, returnInstant } from './auto-reply.ts';
import { type ReceivedMessage, replyForward, unmatchedForward } from './forward.ts';
import { type Lead, leadIdFor } from './lead.ts';
import type { Mailer } from './ports.ts';
import { applyOnce, applySignal, type SignalDeps, type SignalResult } from './signals.ts';
import { type SigningKey, verifyToken } from './tokens.ts';

/*
 * An email received at the reply domain (DESIGN §1): matched to its lead by the signed token in
 * reply+TOKEN@…, else by the sender; a machine's answer is recorded (and snoozes the lead when it names a return
 * date); a person's answer stops the follow-up and goes to the lead's owner. Mail that matches no lead goes to the
 * fallback address. Each message is handled once, however often SES delivers it.
 */

export interface InboundMail {
  /** The SES message id: the dedupe id. */
  readonly messageId: string;
  readonly receivedAt: string;
  readonly from?: string;
  readonly fromName?: string;
  /** Every address it was sent to: the SES envelope recipients, To and Cc. */
  readonly recipients: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly headers: MailHeaders;
}

export interface InboundEmailDeps extends SignalDeps {
  readonly mailer: Mailer;
  /** The key of reply tokens (the one that signs unsubscribe links). */
  readonly signingKey: () => Promise<SigningKey>;
  /** Replies of leads without an owner go here. */
  readonly ownerEmail: string;
  /** Mail that matched no lead goes here. */
  readonly fallbackEmail: string;
}

export type InboundEmailResult =
  | {
      readonly kind: 'reply' | 'auto-reply';
      readonly leadId: string;
      readonly matchedBy: 'token' | 'sender';
      readonly outcome: SignalResult['outcome'];
      /** The return date an auto-reply named, as the instant the lead is snoozed until. */
      readonly until?: string;
    }
  | { readonly kind: 'unmatched'; readonly outcome: 'forwarded' | 'duplicate' };

const REPLY_ADDRESS = /^reply\+([^@\s]+)@/i;
const SOURCE = 'ses-inbound';

async function matchLead(
  deps: InboundEmailDeps,
  mail: InboundMail,
): Promise<{ lead: Lead; by: 'token' | 'sender' } | undefined> {
  const key = await deps.signingKey();
  for (const recipient of mail.recipients) {
    const token = REPLY_ADDRESS.exec(recipient.trim())?.[1];
    const leadId = token ? verifyToken(token, key) : undefined;
    const lead = leadId ? await deps.store.getLead(leadId) : undefined;
    if (lead) return { lead, by: 'token' };
  }
  if (mail.from) {
    const lead = await deps.store.getLead(leadIdFor(mail.from));
    if (lead) return { lead, by: 'sender' };
  }
  return undefined;
}

const zoneOf = (lead: Lead, fallback: string) =>
  lead.zone && IANAZone.isValidZone(lead.zone) ? lead.zone : fallback;

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

export async function receiveEmail(
  deps: InboundEmailDeps,
  mail: InboundMail,
  now: Date,
): Promise<InboundEmailResult> {
  const id = `email:${mail.messageId}`;
  const match = await matchLead(deps, mail);
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
      const result = await applySignal(
        deps,
        { ...base, type: 'reply', messageId: mail.messageId },
        now,
        async (applied) => {
          await deps.mailer.send(
            replyForward(applied.lead, received(mail), {
              to: applied.lead.owner ?? deps.ownerEmail,
              zone: zoneOf(applied.lead, deps.defaultTimeZone),
              stopped: applied.stopped,
            }),
          );
        },
      );
      if (result.outcome !== 'no-lead') {
        return { kind: 'reply', leadId: lead.leadId, matchedBy: by, outcome: result.outcome };
      }
    }
  }

  const forwarded = await applyOnce(
    deps.store,
    { signalId: id, type: 'unmatched-email', source: SOURCE },
    now,
    () => deps.mailer.send(unmatchedForward(received(mail), deps.fallbackEmail)),
    deps.logger,
  );
  deps.logger.info('inbound-unmatched', { messageId: mail.messageId, duplicate: forwarded.duplicate });
  return { kind: 'unmatched', outcome: forwarded.duplicate ? 'duplicate' : 'forwarded' };
}
