import { html, type SafeHtml } from '../functions/core/html.ts';
import type { Channel, LeadRow, LeadStatus } from './model.ts';

/* Small pieces the dashboard and the lead page share. */

const STATUS_LABELS: Readonly<Record<LeadStatus, string>> = {
  active: 'Active',
  replied: 'Replied',
  meeting: 'Meeting',
  referred: 'Referred',
  won: 'Won',
  lost: 'Lost',
  snoozed: 'Snoozed',
  nurture: 'Nurture',
  unsubscribed: 'Unsubscribed',
  bounced: 'Bounced',
  complained: 'Complained',
};

/** What a reply was read as, how sure, and the words it rests on. */
export function readingText(reading: { label: string; confidence: number; cue: string }): SafeHtml {
  const sure = `${Math.round(reading.confidence * 100)}%`;
  return html`<span class="reading">${reading.label}</span> <small class="muted">${sure}${reading.cue ? html`, “${reading.cue}”` : ''}</small>`;
}

/** The status as a colored badge; the word carries the meaning, the color only helps scanning. */
export function statusBadge(status: LeadStatus): SafeHtml {
  return html`<span class="badge badge-${status}">${STATUS_LABELS[status] ?? status}</span>`;
}

const CHANNEL_LABELS: Readonly<Record<Channel, string>> = {
  email: 'Email',
  sms: 'SMS',
  call: 'Call',
  task: 'Task',
};

/** The channel's word with a colored dot (CSS, not an emoji: emoji fonts are missing on many machines). */
export function channelLabel(channel: Channel): SafeHtml {
  return html`<span class="channel channel-${channel}">${CHANNEL_LABELS[channel] ?? channel}</span>`;
}

export function leadHref(id: string): string {
  return `/leads/${encodeURIComponent(id)}`;
}

/** The name a person recognizes: the lead's name, else the email. */
export function leadLabel(lead: Pick<LeadRow, 'name' | 'email'>): string {
  return lead.name?.trim() ? lead.name : lead.email;
}

interface PostButton {
  readonly label: string;
  readonly url: string;
  readonly body: Readonly<Record<string, string>>;
  /** A question whose numeric answer is sent as `value` (blank sends none). */
  readonly ask?: string;
  readonly tone?: 'good' | 'bad';
}

/** A button that POSTs its JSON body and reloads the page (the script is in the layout). */
export function postButton(b: PostButton): SafeHtml {
  return html`<button type="button" class="btn${b.tone ? ` btn-${b.tone}` : ''}" data-post="${b.url}" data-body="${JSON.stringify(b.body)}"${b.ask ? html` data-ask="${b.ask}"` : ''}>${b.label}</button>`;
}

/** The outcomes a rep logs after a call or a task. */
export function outcomeButtons(leadId: string): SafeHtml {
  const url = `/api/leads/${encodeURIComponent(leadId)}/outcome`;
  return html`<div class="actions" role="group" aria-label="Log the outcome">
    ${postButton({ label: 'Replied', url, body: { result: 'replied' } })}
    ${postButton({ label: 'Meeting booked', url, body: { result: 'meeting' } })}
    ${postButton({ label: 'Won…', url, body: { result: 'won' }, ask: 'Deal value? (a number, or leave blank)', tone: 'good' })}
    ${postButton({ label: 'Lost', url, body: { result: 'lost' }, tone: 'bad' })}
    ${postButton({ label: 'Not now', url, body: { result: 'not-now' } })}
  </div>`;
}

/** An empty state that says what to do next. */
export function emptyState(message: SafeHtml | string): SafeHtml {
  return html`<p class="empty">${message}</p>`;
}
