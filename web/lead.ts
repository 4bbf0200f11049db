import { html, type SafeHtml, safeHref } from '../functions/core/html.ts';
import { assertUnreachable } from '../functions/core/unreachable.ts';
import { byTime, formatNumber, isPast, relative, when } from './format.ts';
import { page } from './layout.ts';
import type { EnrollmentRow, LeadPageModel, LeadRow, LeadStatus, ScheduleRow, TouchRow } from './model.ts';
import {
  channelLabel,
  emptyState,
  leadLabel,
  outcomeButtons,
  postButton,
  readingText,
  statusBadge,
} from './parts.ts';

/* One lead: who they are, which cadences they are in, and the schedule laid against what actually happened. */

/** Why the remaining steps will not go out, for each status that stops a cadence. */
const EXIT_REASONS: Readonly<Record<LeadStatus, string | undefined>> = {
  active: undefined,
  nurture: undefined,
  replied: 'the lead replied',
  meeting: 'a meeting was booked',
  referred: 'the lead handed over to someone else',
  won: 'the lead was won',
  lost: 'the lead was marked lost',
  snoozed: 'the lead is snoozed',
  unsubscribed: 'the lead unsubscribed',
  bounced: 'the address bounced',
  complained: 'the lead marked an email as spam',
};

type Outcome =
  | { readonly kind: 'touched'; readonly touch: TouchRow }
  | { readonly kind: 'waiting' }
  | { readonly kind: 'due' }
  | { readonly kind: 'cancelled'; readonly reason: string };

interface TimelineItem {
  readonly step: string;
  readonly channel: ScheduleRow['channel'];
  readonly template: string;
  /** When the step was scheduled; absent for a touch no schedule row explains. */
  readonly scheduledAt?: string;
  readonly outcome: Outcome;
}

/** Pairs each scheduled step with its touch (each touch used once) and works out the state of the rest. */
function timeline(model: LeadPageModel): readonly TimelineItem[] {
  const unused = [...model.touches].sort((a, b) => byTime(a.at, b.at));
  const exit = EXIT_REASONS[model.lead.status];
  const items: TimelineItem[] = [...model.schedule]
    .sort((a, b) => byTime(a.at, b.at))
    .map((row) => {
      const i = unused.findIndex((t) => t.step === row.step);
      const touch = i >= 0 ? unused.splice(i, 1)[0] : undefined;
      const outcome: Outcome = touch
        ? { kind: 'touched', touch }
        : exit
          ? { kind: 'cancelled', reason: exit }
          : isPast(row.at, model.now)
            ? { kind: 'due' }
            : { kind: 'waiting' };
      return { ...row, scheduledAt: row.at, outcome };
    });
  for (const touch of unused) {
    items.push({
      step: touch.step,
      channel: touch.channel,
      template: touch.template,
      outcome: { kind: 'touched', touch },
    });
  }
  const time = (item: TimelineItem) =>
    item.scheduledAt ?? (item.outcome.kind === 'touched' ? item.outcome.touch.at : '');
  return items.sort((a, b) => byTime(time(a), time(b)));
}

function outcomeText(outcome: Outcome, model: LeadPageModel): SafeHtml {
  const zone = model.lead.zone;
  switch (outcome.kind) {
    case 'touched': {
      const t = outcome.touch;
      const because = t.reason ? html` — ${t.reason}` : '';
      switch (t.status) {
        case 'sent':
          return html`<span class="state state-sent">Sent ${when(t.at, zone, model.now)}</span>`;
        case 'skipped':
          return html`<span class="state state-skipped">Skipped${because}</span> <small>${when(t.at, zone, model.now)}</small>`;
        case 'failed':
          return html`<span class="state state-failed">Failed${because}</span> <small>${when(t.at, zone, model.now)}</small>`;
        case 'claimed':
          return html`<span class="state state-waiting">Sending…</span> <small>claimed ${when(t.at, zone, model.now)}</small>`;
        case 'unconfirmed':
          return html`<span class="state state-failed">Unconfirmed${because}</span> <small>check it, then <code>followup touches redrive</code></small>`;
        default:
          return assertUnreachable(t.status);
      }
    }
    case 'waiting':
      return html`<span class="state state-waiting">Waiting</span>`;
    case 'due':
      return html`<span class="state state-waiting">Due — goes out any moment</span>`;
    case 'cancelled':
      return html`<span class="state state-cancelled">Will not happen — ${outcome.reason}</span>`;
    default:
      return assertUnreachable(outcome);
  }
}

function timelineItem(item: TimelineItem, model: LeadPageModel): SafeHtml {
  const done =
    item.outcome.kind === 'touched' ||
    (item.scheduledAt !== undefined && isPast(item.scheduledAt, model.now));
  const cls = `${done ? 'past' : 'future'}${item.outcome.kind === 'cancelled' ? ' cancelled' : ''}`;
  const scheduled = item.scheduledAt
    ? html`${when(item.scheduledAt, model.lead.zone, model.now)} <small>(${relative(item.scheduledAt, model.now)})</small>`
    : html`<span class="muted">not in the schedule</span>`;
  return html`<li class="${cls}">
<div class="tl-when">${scheduled}</div>
<div class="tl-what">${channelLabel(item.channel)} · <strong>${item.step}</strong> <small>template <code>${item.template}</code></small></div>
<div class="tl-outcome">${outcomeText(item.outcome, model)}</div>
</li>`;
}

function timelineList(model: LeadPageModel): SafeHtml {
  const items = timeline(model);
  if (items.length === 0) {
    return emptyState(
      'No schedule yet. A lead gets one when it enrolls in a cadence: every step’s time is computed at enrollment and shown here.',
    );
  }
  const firstFuture = items.findIndex(
    (i) => i.scheduledAt !== undefined && !isPast(i.scheduledAt, model.now),
  );
  const nowMarker = html`<li class="now"><span>Now · ${when(model.now, model.lead.zone, model.now)}</span></li>`;
  return html`<ol class="timeline">
${items.map((item, i) => html`${i === firstFuture ? nowMarker : ''}${timelineItem(item, model)}`)}
${firstFuture === -1 ? nowMarker : ''}
</ol>`;
}

function contactCard(lead: LeadRow, now: string): SafeHtml {
  const dash = html`<span class="muted">—</span>`;
  return html`<section class="card" aria-labelledby="contact-h">
<h2 id="contact-h">Contact</h2>
<dl class="facts">
<dt>Email</dt><dd><a href="${safeHref(`mailto:${lead.email}`)}">${lead.email}</a></dd>
<dt>Phone</dt><dd>${lead.phone ? html`<a href="${`tel:${lead.phone.replace(/[^+\d]/g, '')}`}">${lead.phone}</a>` : dash}</dd>
<dt>Company</dt><dd>${lead.company ?? dash}</dd>
<dt>Time zone</dt><dd>${lead.zone ?? html`<span class="muted">not known — times shown in UTC</span>`}</dd>
<dt>Status</dt><dd>${statusBadge(lead.status)}</dd>
${lead.reading ? html`<dt>Reply read as</dt><dd>${readingText(lead.reading)} · ${when(lead.reading.at, lead.zone, now)}</dd>` : ''}
<dt>Owner</dt><dd>${lead.owner ?? html`<span class="muted">unassigned</span>`}</dd>
<dt>SMS consent</dt><dd>${lead.smsConsentAt ? html`Yes, given ${when(lead.smsConsentAt, lead.zone, now)}` : 'No'}</dd>
${lead.dealValue !== undefined ? html`<dt>Deal value</dt><dd>${formatNumber(lead.dealValue)}</dd>` : ''}
<dt>Signed up</dt><dd>${when(lead.createdAt, lead.zone, now)}</dd>
<dt>Last contact</dt><dd>${lead.lastContactAt ? html`${relative(lead.lastContactAt, now)}${lead.lastChannel ? ` · ${lead.lastChannel}` : ''}` : 'not yet'}</dd>
<dt>Next touch</dt><dd>${lead.nextTouchAt ? when(lead.nextTouchAt, lead.zone, now) : dash}</dd>
<dt>Touches</dt><dd>${lead.touchCount}</dd>
</dl>
</section>`;
}

function enrollments(model: LeadPageModel): SafeHtml {
  if (model.enrollments.length === 0) return emptyState('Not enrolled in any cadence.');
  return html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Cadence</th><th scope="col">Enrolled</th><th scope="col">Status</th></tr></thead>
<tbody>${model.enrollments.map(
    (e: EnrollmentRow) =>
      html`<tr><td>${e.cadenceId}</td><td>${when(e.enrolledAt, model.lead.zone, model.now)}</td><td>${e.status}</td></tr>`,
  )}</tbody>
</table></div>`;
}

function signalButtons(leadId: string): SafeHtml {
  const url = `/api/leads/${encodeURIComponent(leadId)}/signals`;
  return html`<div class="actions" role="group" aria-label="Simulate a signal">
${postButton({ label: 'Simulate: reply', url, body: { type: 'reply', text: 'Thanks, this looks good. Can we talk on Tuesday?' } })}
${postButton({ label: 'Simulate: bounce', url, body: { type: 'bounce' }, tone: 'bad' })}
${postButton({ label: 'Simulate: complaint', url, body: { type: 'complaint' }, tone: 'bad' })}
${postButton({ label: 'Simulate: unsubscribe', url, body: { type: 'unsubscribe' } })}
${postButton({ label: 'Simulate: purchase', url, body: { type: 'purchase' }, tone: 'good' })}
${postButton({ label: 'Simulate: SMS STOP', url, body: { type: 'sms', text: 'STOP' } })}
</div>`;
}

/** The page of one lead at `/leads/<id>`. */
export function renderLeadPage(model: LeadPageModel): string {
  const { lead } = model;
  const main = html`<p><a href="/">← Dashboard</a></p>
<h1>${leadLabel(lead)} ${statusBadge(lead.status)}</h1>
<p class="lede">${lead.company ? html`${lead.company} · ` : ''}${lead.email}</p>
<div class="columns">
${contactCard(lead, model.now)}
<section class="card" aria-labelledby="act-h">
<h2 id="act-h">Try it</h2>
<p class="muted">Each button goes through the same handler AWS would invoke. A reply, bounce, complaint, unsubscribe, purchase or STOP stops the cadence: the timeline then shows what will not happen.</p>
${signalButtons(lead.id)}
<h3>Log a rep’s outcome</h3>
${outcomeButtons(lead.id)}
<p><a href="${safeHref(model.mailboxUrl)}">Open the mailbox</a> to see the emails this lead got.</p>
</section>
</div>
<section aria-labelledby="enrollments-h"><h2 id="enrollments-h">Enrollments</h2>${enrollments(model)}</section>
<section aria-labelledby="timeline-h"><h2 id="timeline-h">Schedule and touches</h2>${timelineList(model)}</section>`;
  return page({
    title: leadLabel(lead),
    current: 'none',
    mailboxUrl: model.mailboxUrl,
    main,
    postButtons: true,
  });
}
