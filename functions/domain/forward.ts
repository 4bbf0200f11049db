import { html, joinHtml } from '../core/html.ts';
import { oneLine } from '../core/one-line.ts';
import { fromISO } from '../core/zoned.ts';
import { type Detail, detailLines, detailsTable } from './email-details.ts';
import type { Lead } from './lead.ts';
import type { OutcomeLink } from './outcome-links.ts';
import type { ActivePointer, Mailer, OutgoingEmail } from './ports.ts';

/*
 * What a person hears of a lead's answer: a reply (email or text) goes to the lead's owner with the lead's context
 * and a Reply-To that reaches the lead, so the rep just answers; mail that matched no lead goes to the fallback
 * address. Nothing a lead writes is dropped.
 */

/** Where a lead's answer is sent on to: its owner, or a person's inbox when it matched no lead. */
export interface ForwardDeps {
  readonly mailer: Mailer;
  /** Answers of leads without an owner go here. */
  readonly ownerEmail: string;
  /** Answers that matched no lead go here. */
  readonly fallbackEmail: string;
}

export interface ReceivedMessage {
  readonly channel: 'email' | 'sms';
  /** The sender: an email address, or an E.164 number for a text. */
  readonly from: string;
  readonly fromName?: string;
  readonly subject?: string;
  readonly text: string;
  readonly receivedAt: string;
  /** Where it was sent: the reply address, or our SMS number. */
  readonly recipients?: readonly string[];
}

const MAX_QUOTED = 20_000;
const quoted = (text: string) =>
  text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}\n[… cut; the full message is stored]` : text;

function day(iso: string | undefined, zone: string): string | undefined {
  if (!iso) return undefined;
  return fromISO(iso, zone)?.dayMonthYear();
}

/** What the reply reader made of the message, with one-click corrections (#14). */
export interface ForwardReading {
  /** "Read as: not now, until Mon 1 Mar 2027: re-engage starts then." */
  readonly summary: string;
  readonly links: readonly OutcomeLink[];
}

function readingText(reading: ForwardReading | undefined): string[] {
  if (!reading) return [];
  const links = reading.links.map((l) => `  ${l.label}: ${l.url}`);
  return [
    '',
    reading.summary,
    ...(links.length > 0 ? ['Not right? Correct it in one click:', ...links] : []),
  ];
}

function readingHtml(reading: ForwardReading | undefined) {
  if (!reading) return undefined;
  const links = joinHtml(
    reading.links.map((l) => html`<a href="${l.url}">${l.label}</a>`),
    ' · ',
  );
  return html`<p><strong>${reading.summary}</strong>${reading.links.length > 0 ? html`<br>Not right? Correct it: ${links}` : ''}</p>`;
}

function render(
  subject: string,
  intro: string,
  rows: readonly Detail[],
  message: ReceivedMessage,
  reading?: ForwardReading,
) {
  const heading = message.subject ? `Their message (subject: ${message.subject})` : 'Their message';
  const text = [
    intro,
    ...readingText(reading),
    '',
    ...detailLines(rows),
    '',
    heading,
    '-----',
    quoted(message.text),
  ].join('\n');
  const body = joinHtml(
    [
      html`<p>${intro}</p>`,
      readingHtml(reading),
      detailsTable(rows),
      html`<h3>${heading}</h3>`,
      html`<pre style="white-space: pre-wrap">${quoted(message.text)}</pre>`,
    ],
    '\n',
  );
  return { subject, text, html: body.value };
}

/** A lead's reply, forwarded to its owner with who the lead is and where the follow-up stood. */
export function replyForward(
  lead: Lead,
  message: ReceivedMessage,
  context: {
    readonly to: string;
    readonly zone: string;
    readonly stopped: readonly ActivePointer[];
    /** What the message did besides (an opt-out in words), said after the intro. */
    readonly note?: string;
    readonly reading?: ForwardReading;
  },
): OutgoingEmail {
  const who = lead.name ?? lead.email;
  const how = message.channel === 'sms' ? 'texted' : 'replied';
  const cadences = [...new Set(context.stopped.map((p) => p.cadenceId))];
  const said =
    cadences.length > 0
      ? `${who} ${how}. Their follow-up (${cadences.join(', ')}) has stopped; reply to this email to answer them.`
      : `${who} ${how}. Reply to this email to answer them.`;
  const intro = context.note ? `${said} ${context.note}` : said;
  const lastTouch = lead.lastContactAt
    ? [day(lead.lastContactAt, context.zone), lead.lastChannel, lead.lastTemplate].filter(Boolean).join(' · ')
    : 'none yet';
  const rows: Detail[] = [
    ['Name', lead.name],
    ['Company', lead.company],
    ['Email', lead.email],
    ['Phone', lead.phone],
    ['Status', lead.status],
    ['Cadence', cadences.length > 0 ? `${cadences.join(', ')} (stopped)` : 'none running'],
    ['Last touch', lastTouch],
    ['Touches so far', String(lead.touchCount)],
    ['Received', day(message.receivedAt, context.zone)],
  ];
  // The lead's name and their subject are their words: one line, so no line break can add a header.
  const subject = oneLine(
    message.channel === 'sms'
      ? `Text from ${who}`
      : `Reply from ${who}${message.subject ? `: ${message.subject}` : ''}`,
  );
  return {
    to: context.to,
    ...render(subject, intro, rows, message, context.reading),
    // The rep's answer goes to the lead, by email in both cases: a text's sender has an email on file.
    replyTo: [message.channel === 'email' ? message.from : lead.email],
    tags: { leadId: lead.leadId, kind: 'reply-forward' },
  };
}

/** Why a message that names a lead was not matched to it: SES flagged it as spam, or could not confirm its sender. */
export type UnmatchedFlag = 'spam' | 'unverified-sender';

const FLAGGED: Readonly<Record<UnmatchedFlag, { readonly why: string; readonly label: string }>> = {
  spam: { why: 'that SES flagged as spam', label: 'flagged as spam' },
  'unverified-sender': {
    why: "from a lead's address that SES could not confirm as its sender (DMARC did not pass, and SPF did not pass for the From domain; the From line of an email is easy to forge)",
    label: 'sender unverified',
  },
};

/**
 * A message that matched no lead, handed to a person rather than dropped; one SES flagged as spam, or whose sender
 * it could not confirm, is never matched, and says why.
 */
export function unmatchedForward(
  message: ReceivedMessage,
  to: string,
  flagged?: UnmatchedFlag,
): OutgoingEmail {
  const what = message.channel === 'sms' ? 'A text' : 'An email';
  const intro = flagged
    ? `${what} reached Followup ${FLAGGED[flagged].why}. It was not matched to any lead: it stopped no follow-up and counts as no reply. If it is a real answer, reply to this email to answer the sender and record the outcome on the lead.`
    : `${what} reached Followup but matched no lead (no valid reply token, and the sender is no known lead). Reply to this email to answer the sender.`;
  const rows: Detail[] = [
    ['From', message.fromName ? `${message.fromName} <${message.from}>` : message.from],
    ['To', message.recipients?.join(', ')],
    ['Received', message.receivedAt],
  ];
  const kind = `${message.channel === 'sms' ? 'text' : 'reply'}${flagged ? `, ${FLAGGED[flagged].label}` : ''}`;
  const subject = oneLine(`Unmatched ${kind}${message.subject ? `: ${message.subject}` : ''}`);
  return {
    to,
    ...render(subject, intro, rows, message),
    ...(message.channel === 'email' ? { replyTo: [message.from] } : {}),
    tags: { kind: flagged === 'spam' ? 'spam-forward' : 'unmatched-forward' },
  };
}

/**
 * SES found a virus in a received email: the owner learns that one arrived and its id, nothing of what it says
 * (the sender and subject are the attacker's words too).
 */
export function quarantineNotice(
  message: { readonly messageId: string; readonly receivedAt: string },
  to: string,
): OutgoingEmail {
  const text = [
    `SES found a virus in an email that reached Followup at ${message.receivedAt}.`,
    'Followup did not open it, forward it, or let it change any follow-up.',
    '',
    `  SES message id: ${message.messageId}`,
    '',
    "The receipt rule's bucket keeps the stored copy under that id: delete it, or hand it to whoever looks after your security.",
  ].join('\n');
  return {
    to,
    subject: 'Quarantined email: SES found a virus',
    text,
    html: html`<pre style="white-space: pre-wrap">${text}</pre>`.value,
    tags: { kind: 'quarantine-notice' },
  };
}
