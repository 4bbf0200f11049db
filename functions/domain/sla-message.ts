import { html } from '../core/html.ts';
import { isTimeZone } from '../core/schedule.ts';
import { fromISO } from '../core/zoned.ts';
import { type Detail, detailLines, detailsTable, dueText, leadContact } from './email-details.ts';
import type { Lead } from './lead.ts';
import type { OutgoingEmail } from './ports.ts';

/* What the person a task is escalated to reads: whose task it was, what was not done in time, and who the lead is. */

/** The task escalated: an SLA timer (sla.ts) as its message needs it. */
export interface EscalatedTask {
  readonly cadenceId: string;
  readonly stepId: string;
  readonly sla: string;
  readonly holder: string;
  readonly taskDueAt: string;
}

export function escalationEmail(
  lead: Lead,
  timer: EscalatedTask,
  to: { readonly email: string },
  dashboardUrl?: string,
): OutgoingEmail & { subject: string } {
  const who = lead.name ?? lead.email;
  const subject = `Escalated: ${who} is waiting (${timer.stepId} not done within ${timer.sla})`;
  // The due time as the task email gave it: in the lead's zone, with its name, not as an ISO instant.
  const zone = lead.zone && isTimeZone(lead.zone) ? lead.zone : 'UTC';
  const due = dueText(fromISO(timer.taskDueAt, zone));
  const why = `${timer.holder} had ${timer.sla} to do step ${timer.stepId} of ${timer.cadenceId}, due ${due}; it is not marked done. Please take it over.`;
  const details: Detail[] = [...leadContact(lead), ['Note', lead.note]];
  const link = dashboardUrl
    ? `${dashboardUrl.replace(/\/+$/, '')}/leads/${encodeURIComponent(lead.leadId)}`
    : undefined;
  const text = [
    subject,
    why,
    '',
    'Lead',
    ...detailLines(details),
    ...(link ? ['', `Open the lead: ${link}`] : []),
  ].join('\n');
  const body = html`<p><strong>${subject}</strong><br>${why}</p>${detailsTable(details)}${
    link !== undefined && html`<p><a href="${link}">Open the lead</a></p>`
  }`;
  return { to: to.email, subject, text, html: body.value, tags: { leadId: lead.leadId, kind: 'sla' } };
}

/** The text to a rep with a phone: short, and no address or number of the lead in it. */
export const escalationText = (lead: Lead, timer: EscalatedTask): string =>
  `Escalated to you: ${lead.name ?? 'a lead'} (${timer.stepId}) was not done within ${timer.sla}. See your email.`;
