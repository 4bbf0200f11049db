import { html, joinHtml, raw } from '../core/html.ts';
import type { RenderedMessage } from '../core/templates.ts';
import { fromISO, INVALID_TEXT } from '../core/zoned.ts';
import { type Detail, detailLines, detailsTable, dueText, leadContact } from './email-details.ts';
import type { Lead } from './lead.ts';
import type { OutcomeLink } from './outcome-links.ts';
import type { OutgoingEmail } from './ports.ts';
import type { TouchEvent, TouchSettings } from './touch-input.ts';

/** The email that hands a call or a manual step to the lead's owner: who, when, what to say, where to open it. */
export function ownerTaskEmail(
  lead: Lead,
  event: TouchEvent,
  message: RenderedMessage,
  zone: string,
  settings: Pick<TouchSettings, 'owner' | 'dashboardUrl'>,
  outcomes: readonly OutcomeLink[] = [],
): OutgoingEmail & { subject: string } {
  const who = lead.name ?? lead.email;
  const subject = message.subject ?? `${event.channel === 'call' ? 'Call' : 'To do for'} ${who}`;
  const due = dueText(fromISO(event.scheduledAt, zone));
  const lastContact = lead.lastContactAt
    ? `${fromISO(lead.lastContactAt, zone)?.dayMonthYear() ?? INVALID_TEXT} (${lead.lastChannel ?? 'unknown'})`
    : 'none yet';
  const details: Detail[] = [
    ...leadContact(lead),
    ['Came from', lead.source],
    ['Note', lead.note],
    ['Time zone', zone],
    ['Last contact', lastContact],
    ['Touches so far', String(lead.touchCount)],
  ];
  const link = settings.dashboardUrl
    ? `${settings.dashboardUrl.replace(/\/+$/, '')}/leads/${encodeURIComponent(lead.leadId)}`
    : undefined;
  const when = `Due ${due}, the lead's local time · cadence ${event.cadenceId}, step ${event.stepId}`;
  const text = [
    subject,
    when,
    '',
    'Lead',
    ...detailLines(details),
    '',
    'Script',
    message.text,
    ...(link ? ['', `Open the lead: ${link}`] : []),
    ...(outcomes.length > 0
      ? ['', 'How did it go? One click records it:', ...outcomes.map((o) => `  ${o.label}: ${o.url}`)]
      : []),
  ].join('\n');
  const body = joinHtml(
    [
      html`<p><strong>${subject}</strong><br>${when}</p>`,
      detailsTable(details),
      html`<h3>Script</h3><p>${joinHtml(message.text.split('\n'), raw('<br>\n'))}</p>`,
      link !== undefined && html`<p><a href="${link}">Open the lead</a></p>`,
      outcomes.length > 0 &&
        html`<p>How did it go? One click records it: ${joinHtml(
          outcomes.map((o) => html`<a href="${o.url}">${o.label}</a>`),
          ' · ',
        )}</p>`,
    ],
    '\n',
  );
  return { to: lead.owner ?? settings.owner.email, subject, text, html: body.value };
}
