import { findOptOut, type OptOutCue } from '../core/opt-out-words.ts';
import { isTimeZone } from '../core/schedule.ts';
import { assertUnreachable } from '../core/unreachable.ts';
import { applyOnce } from './apply-once.ts';
import { type ForwardDeps, type ReceivedMessage, replyForward, unmatchedForward } from './forward.ts';
import { suppressionKey } from './lead.ts';
import type { SmsSender } from './ports.ts';
import { applySignal, type SignalDeps, type SignalResult } from './signals.ts';

/*
 * A text to our number (two-way SMS, delivered through SNS). The carrier keywords act at once (CTIA, TCPA): STOP and
 * its synonyms opt the number out, HELP is answered, START opts back in with a consent record; anything else is a
 * reply and goes to the lead's owner. A request to stop in words ("please stop texting me", "wrong number") is
 * honoured at once like STOP (revocation by any reasonable means counts), and its words are recorded and forwarded
 * to the owner. A number that matches no lead is still honoured.
 *
 * Who answers the keywords depends on the number's opt-out mode. By default AWS End User Messaging answers STOP and
 * HELP itself and keeps the opt-out list (and a US toll-free number's carrier always does): Followup then records a
 * STOP but sends nothing, and takes a START as consent only once AWS has taken the number off its list. With
 * self-managed opt-outs AWS does none of that, and Followup answers each keyword once. An opt-out in words is
 * confirmed by Followup in both modes, unless AWS took the number onto its list (the text began with one of its
 * opt-out keywords, as "Stop texting me" does) and so has confirmed it already.
 *
 * Any other text is a person's reply, handed to the reply reader (functions/domain/sms-reply.ts, run by ReadReply:
 * docs/architecture.md §4.1), so the reader's rules and dates are in one function and not in this one.
 */

/** STOP and its synonyms: CTIA's, and every opt-out keyword AWS End User Messaging requires (US, Canada). */
export const STOP_KEYWORDS = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  'OPT-OUT',
  'REVOKE',
  'REMOVE',
  'ARRET',
  'TD',
];
export const START_KEYWORDS = ['START', 'UNSTOP'];
export const HELP_KEYWORDS = ['HELP'];

export type SmsIntent =
  | { readonly kind: 'stop' | 'start' | 'help'; readonly keyword: string }
  /** A request to stop written in words. */
  | { readonly kind: 'opt-out'; readonly cue: OptOutCue }
  | { readonly kind: 'message' };

/**
 * A keyword is the whole message, in any case, with surrounding spaces (and a trailing "." or "!"); otherwise a
 * message that asks to stop in words is an opt-out.
 */
export function classifySms(body: string): SmsIntent {
  const word = body
    .trim()
    .replace(/[.!]+$/, '')
    .trim()
    .toUpperCase();
  if (STOP_KEYWORDS.includes(word)) return { kind: 'stop', keyword: word };
  if (START_KEYWORDS.includes(word)) return { kind: 'start', keyword: word };
  if (HELP_KEYWORDS.includes(word)) return { kind: 'help', keyword: word };
  const cue = findOptOut(body);
  return cue ? { kind: 'opt-out', cue } : { kind: 'message' };
}

export interface SmsTexts {
  readonly businessName: string;
  readonly ownerEmail: string;
  readonly ownerPhone?: string;
}

export const stopConfirmation = (t: SmsTexts) =>
  `You're unsubscribed from ${t.businessName} texts. No more messages. Reply START to resubscribe.`;

export const helpReply = (t: SmsTexts) =>
  `${t.businessName}: help at ${t.ownerPhone ? `${t.ownerEmail} or ${t.ownerPhone}` : t.ownerEmail}. Up to 4 msgs/month. Msg & data rates may apply. Reply STOP to opt out.`;

export const startConfirmation = (t: SmsTexts) =>
  `You're resubscribed to ${t.businessName} texts. Reply HELP for help, STOP to opt out.`;

/** The opt-out list AWS keeps for the account: the one it checks before every text it sends. */
export interface OptOutList {
  isOptedOut(phone: string): Promise<boolean>;
}

export type SmsOptOuts =
  /** Self-managed opt-outs: Followup answers STOP, HELP and START, and its suppression list is the only one. */
  | { readonly mode: 'self' }
  /** AWS-managed opt-outs: AWS answers the keywords, and its list decides whether a START opted the number back in. */
  | { readonly mode: 'aws'; readonly list: OptOutList };

export interface InboundSms {
  /** The inbound message id: the dedupe id. */
  readonly id: string;
  /** The sender, E.164. */
  readonly from: string;
  /** Our number it was sent to. */
  readonly to: string;
  readonly body: string;
  readonly receivedAt: string;
}

/** The reply reader, as this function sees it: a person's text in, what was done with it out. */
export interface SmsReplyReader {
  readSms(message: InboundSms): Promise<InboundSmsResult>;
}

export interface InboundSmsDeps extends SignalDeps, ForwardDeps {
  readonly sms: SmsSender;
  readonly texts: SmsTexts;
  readonly optOuts: SmsOptOuts;
  readonly reader: SmsReplyReader;
}

export interface InboundSmsResult {
  readonly intent: SmsIntent['kind'];
  readonly leadId?: string;
  readonly outcome: SignalResult['outcome'] | 'handled';
  /** The rule that read an opt-out in the text's words. */
  readonly rule?: string;
  /** What a person's text was read as (functions/core/intent.ts); an out-of-office is not a reply. */
  readonly reading?: string;
}

const optOutNote = (cue: OptOutCue, emailToo: boolean) =>
  `They asked to stop ("${cue.words}"): their SMS consent is revoked and the number suppressed${emailToo ? ', and they are unsubscribed from email' : ''}. No more texts go to them unless they text START.`;

/** A text as the forward to a person shows it. */
export function receivedSms(message: InboundSms): ReceivedMessage {
  return {
    channel: 'sms',
    from: message.from,
    text: message.body,
    receivedAt: message.receivedAt,
    recipients: [message.to],
  };
}

export async function receiveSms(
  deps: InboundSmsDeps,
  message: InboundSms,
  now: Date,
): Promise<InboundSmsResult> {
  const intent = classifySms(message.body);
  if (intent.kind === 'message') return deps.reader.readSms(message);
  const id = `sms:${message.id}`;
  const source = `sms:${message.to}`;
  const selfManaged = deps.optOuts.mode === 'self';
  // AWS has already answered a keyword on a number whose opt-outs it manages: a second answer would duplicate it.
  const answer = async (text: string) => {
    if (selfManaged) await deps.sms.send({ to: message.from, text });
  };
  // A START on an AWS-managed number opts in only if AWS acted on it (an Opt-in keyword, or a manual opt-in).
  const stillOptedOut =
    intent.kind === 'start' && deps.optOuts.mode === 'aws'
      ? await deps.optOuts.list.isOptedOut(message.from)
      : false;
  // Words that AWS read as a keyword ("Stop texting me" begins with STOP) put the number on its list, confirmed.
  const confirmWords =
    intent.kind === 'opt-out' &&
    (deps.optOuts.mode === 'self' || !(await deps.optOuts.list.isOptedOut(message.from)));
  const zoneOf = (lead: { readonly zone?: string }) =>
    lead.zone && isTimeZone(lead.zone) ? lead.zone : deps.defaultTimeZone;

  const leadId = await deps.store.findLeadId('phone', message.from);
  if (leadId) {
    const base = { v: 1 as const, id, leadId, at: message.receivedAt, source, phone: message.from };
    let result: SignalResult | undefined;
    switch (intent.kind) {
      case 'stop':
        result = await applySignal(deps, { ...base, type: 'sms-stop', keyword: intent.keyword }, now, () =>
          answer(stopConfirmation(deps.texts)),
        );
        break;
      case 'start':
        result = await applySignal(
          deps,
          {
            ...base,
            type: 'sms-start',
            keyword: intent.keyword,
            ...(stillOptedOut ? { stillOptedOut: true as const } : {}),
          },
          now,
          () => answer(startConfirmation(deps.texts)),
        );
        break;
      case 'help':
        result = await applySignal(deps, { ...base, type: 'sms-help' }, now, () =>
          answer(helpReply(deps.texts)),
        );
        break;
      case 'opt-out': {
        const { cue } = intent;
        result = await applySignal(
          deps,
          { ...base, type: 'sms-stop', words: cue.words },
          now,
          async (applied) => {
            // Words that name email ("stop emailing me") end the emails too.
            const emailToo = cue.channel === 'email';
            if (emailToo) {
              const { phone: _, ...email } = base;
              await applySignal(
                deps,
                { ...email, id: `${id}:email`, type: 'unsubscribe', words: cue.words },
                now,
              );
            }
            if (confirmWords) await deps.sms.send({ to: message.from, text: stopConfirmation(deps.texts) });
            await deps.mailer.send(
              replyForward(applied.lead, receivedSms(message), {
                to: applied.lead.owner ?? deps.ownerEmail,
                zone: zoneOf(applied.lead),
                stopped: applied.stopped,
                note: optOutNote(cue, emailToo),
              }),
            );
          },
        );
        if (result.outcome !== 'no-lead') {
          return { intent: intent.kind, leadId, outcome: result.outcome, rule: cue.rule };
        }
        break;
      }
      default:
        return assertUnreachable(intent);
    }
    if (result && result.outcome !== 'no-lead')
      return { intent: intent.kind, leadId, outcome: result.outcome };
  }

  // No lead has this number: the keywords still act on the number, and a message still reaches a person.
  const ran = await applyOnce(
    deps.store,
    { signalId: id, type: `sms-${intent.kind}`, source },
    now,
    async () => {
      const key = suppressionKey(message.from);
      switch (intent.kind) {
        case 'stop':
          await deps.store.suppress([key], { reason: 'sms-stop', source, at: message.receivedAt });
          await answer(stopConfirmation(deps.texts));
          return;
        case 'opt-out':
          await deps.store.suppress([key], { reason: 'sms-stop', source, at: message.receivedAt });
          if (confirmWords) await deps.sms.send({ to: message.from, text: stopConfirmation(deps.texts) });
          await deps.mailer.send(unmatchedForward(receivedSms(message), deps.fallbackEmail));
          return;
        case 'start':
          if (stillOptedOut) return;
          await deps.store.unsuppress(key, 'sms-stop');
          await answer(startConfirmation(deps.texts));
          return;
        case 'help':
          await answer(helpReply(deps.texts));
          return;
        default:
          return assertUnreachable(intent);
      }
    },
    deps.logger,
  );
  deps.logger.info('sms-unmatched', { intent: intent.kind, duplicate: ran.duplicate, stillOptedOut });
  return {
    intent: intent.kind,
    outcome: ran.duplicate ? 'duplicate' : 'handled',
    ...(intent.kind === 'opt-out' ? { rule: intent.cue.rule } : {}),
  };
}
