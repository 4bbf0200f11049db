import { html, type SafeHtml, safeHref } from '../functions/core/html.ts';
import { READING_LABELS } from '../functions/domain/signal-schema.ts';
import { CHART_STYLES, followUpCharts } from './charts.ts';
import { byTime, formatNumber, isPast, percent, relative, when } from './format.ts';
import { page } from './layout.ts';
import type {
  CadenceStats,
  DashboardModel,
  EmailRow,
  LeadRow,
  LeadsPaging,
  SmsRow,
  TaskRow,
  UnconfirmedRow,
  UnstartedRow,
} from './model.ts';
import {
  channelLabel,
  emptyState,
  leadHref,
  leadLabel,
  outcomeButtons,
  readingText,
  statusBadge,
} from './parts.ts';

/** Today's readings by label (#14): each a link to the leads whose reply was read so today. */
function readingFilter(paging: LeadsPaging): SafeHtml {
  const links = READING_LABELS.map((label) =>
    label === paging.reading
      ? html`<strong>${label}</strong>`
      : html`<a href="${`/?reading=${encodeURIComponent(label)}`}">${label}</a>`,
  );
  return html`<p class="readings">Today’s replies read as: ${links.map((l, i) => (i === 0 ? l : html` · ${l}`))}${paging.reading ? html` · <a href="/">every lead</a>` : ''}</p>`;
}

/* The local runtime's home page: who is in which cadence, what went out, and what a rep has to do next. */

/** How many of the latest emails and text messages the page lists. */
const RECENT = 20;

const CURL_EXAMPLE =
  'curl -X POST http://127.0.0.1:3000/leads -H \'content-type: application/json\' -d \'{"email":"jordan@example.com","name":"Jordan"}\'';

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function stat(label: string, value: number | string, hint?: string): SafeHtml {
  return html`<div class="stat"><span class="value">${value}</span><span class="label">${label}</span>${hint ? html`<br><small>${hint}</small>` : ''}</div>`;
}

function summary(model: DashboardModel): SafeHtml {
  const { totals } = model;
  const calls = model.tasks.filter((t) => t.channel === 'call').length;
  return html`<section aria-labelledby="summary-h">
<h2 id="summary-h" class="visually-hidden">Summary</h2>
<div class="cards">
${stat('Leads', totals.leads)}
${stat('Replied', totals.replied, 'incl. meetings booked')}
${stat('Won', totals.won, totals.revenue > 0 ? `${formatNumber(totals.revenue)} in deals` : undefined)}
${stat('Touches sent', totals.touchesSent)}
${stat('Emails', model.emails.length)}
${stat('SMS', model.sms.length)}
${stat('Calls to make', calls, model.tasks.length > calls ? `+ ${plural(model.tasks.length - calls, 'other task')}` : undefined)}
</div>
</section>`;
}

function leadRow(lead: LeadRow, now: string): SafeHtml {
  const label = leadLabel(lead);
  return html`<tr>
<td><a href="${leadHref(lead.id)}">${label}</a>${label !== lead.email ? html`<br><small>${lead.email}</small>` : ''}</td>
<td>${lead.company ?? ''}</td>
<td>${statusBadge(lead.status)}${lead.reading ? html`<br>${readingText(lead.reading)}` : ''}</td>
<td>${lead.cadence ?? html`<span class="muted">—</span>`}</td>
<td>${lead.owner ?? html`<span class="muted">unassigned</span>`}</td>
<td>${
    lead.lastContactAt
      ? html`<span title="${lead.lastContactAt}">${relative(lead.lastContactAt, now)}</span>${lead.lastChannel ? ` · ${lead.lastChannel}` : ''}`
      : html`<span class="muted">not yet</span>`
  }</td>
<td>${lead.nextTouchAt ? when(lead.nextTouchAt, lead.zone, now) : html`<span class="muted">—</span>`}</td>
<td class="num">${lead.touchCount}</td>
</tr>`;
}

function searchForm(paging: LeadsPaging): SafeHtml {
  return html`${readingFilter(paging)}<form class="search" method="get" action="/" role="search">
<label for="lead-search">Find a lead</label>
<input id="lead-search" name="search" type="search" value="${paging.search ?? ''}" placeholder="email or company">
<button type="submit" class="btn">Search</button>${paging.search ? html` <a href="/">Show every lead</a>` : ''}
</form>`;
}

/** Links to the newer and the older page, each carrying its cursor and the search. */
function pager(paging: LeadsPaging): SafeHtml | '' {
  if (paging.previous === undefined && paging.next === undefined) return '';
  const link = (query: string, rel: string, label: string) =>
    html`<a href="${query === '' ? '/' : `/?${query}`}" rel="${rel}">${label}</a>`;
  return html`<nav class="pager" aria-label="Pages of leads">${paging.previous !== undefined ? link(paging.previous, 'prev', '← Newer leads') : ''}${paging.previous !== undefined && paging.next !== undefined ? ' · ' : ''}${paging.next !== undefined ? link(paging.next, 'next', 'Older leads →') : ''}</nav>`;
}

function leadsTable(model: DashboardModel): SafeHtml {
  const { paging } = model;
  const notice = paging.notice ? html`<p class="notice" role="status">${paging.notice}</p>` : '';
  if (model.leads.length === 0) {
    return html`${searchForm(paging)}${notice}${
      paging.reading
        ? emptyState(html`No reply on this page was read as “${paging.reading}” today.`)
        : paging.search
          ? emptyState(html`No lead’s email or company contains “${paging.search}”.`)
          : emptyState(
              html`No leads yet — post the signup form at <a href="/form">/form</a> or run <code>${CURL_EXAMPLE}</code>`,
            )
    }`;
  }
  const leads = [...model.leads].sort((a, b) => byTime(b.createdAt, a.createdAt));
  return html`${searchForm(paging)}${notice}<div class="table-wrap"><table>
<caption class="visually-hidden">Leads, newest first</caption>
<thead><tr><th scope="col">Lead</th><th scope="col">Company</th><th scope="col">Status</th><th scope="col">Cadence</th><th scope="col">Owner</th><th scope="col">Last contact</th><th scope="col">Next touch</th><th scope="col" class="num">Touches</th></tr></thead>
<tbody>
${leads.map((lead) => leadRow(lead, model.now))}
</tbody>
</table></div>${pager(paging)}`;
}

/** The zone to show a lead's times in: the row's own, else that of the lead on this page. */
function zoneOf(row: { readonly leadId: string; readonly zone?: string }, model: DashboardModel) {
  return row.zone ?? model.leads.find((l) => l.id === row.leadId)?.zone;
}

function unstartedRow(row: UnstartedRow, model: DashboardModel): SafeHtml {
  const zone = zoneOf(row, model);
  const next =
    row.status === 'retrying' && row.retryAt
      ? html`next try ${when(row.retryAt, zone, model.now)}`
      : html`<strong>given up</strong>: fix the cause, then post the lead again`;
  return html`<tr>
<td><a href="${leadHref(row.leadId)}">${row.leadName}</a></td>
<td>${row.cadenceId}</td>
<td><span class="badge badge-${row.status}">${row.status === 'stuck' ? 'Stuck' : 'Retrying'}</span></td>
<td class="num">${row.attempts}</td>
<td>${row.reason ?? html`<span class="muted">the function stopped before it could say</span>`}</td>
<td>${next}</td>
</tr>`;
}

/** Leads that get no follow-up until their enrollment starts: shown only while there are some. */
function unstarted(model: DashboardModel): SafeHtml | '' {
  if (model.unstarted.length === 0) return '';
  const rows = [...model.unstarted].sort(
    (a, b) => Number(b.status === 'stuck') - Number(a.status === 'stuck') || byTime(a.createdAt, b.createdAt),
  );
  const stuck = rows.filter((r) => r.status === 'stuck').length;
  return html`<section aria-labelledby="unstarted-h"><h2 id="unstarted-h">Enrollments that cannot start</h2>
<p>${plural(rows.length, 'lead')} ${rows.length === 1 ? 'gets' : 'get'} no follow-up until ${rows.length === 1 ? 'its' : 'their'} cadence starts${stuck > 0 ? html` · <strong>${stuck} stuck</strong>` : ''}.</p>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Lead</th><th scope="col">Cadence</th><th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col">Reason</th><th scope="col">Next</th></tr></thead>
<tbody>${rows.map((r) => unstartedRow(r, model))}</tbody>
</table></div></section>`;
}

function unconfirmedRow(row: UnconfirmedRow, model: DashboardModel): SafeHtml {
  const zone = zoneOf(row, model);
  return html`<tr>
<td><a href="${leadHref(row.leadId)}">${row.leadName}</a></td>
<td>${row.cadenceId}</td>
<td>${row.stepId}</td>
<td>${channelLabel(row.channel)}</td>
<td><span title="${row.claimedAt}">${when(row.claimedAt, zone, model.now)}</span></td>
<td>${row.reason}</td>
<td><code>followup touches redrive ${row.id}</code></td>
</tr>`;
}

/** Touches that may or may not have gone out, for a person to check and redrive: shown only while there are some. */
function unconfirmed(model: DashboardModel): SafeHtml | '' {
  const rows = [...(model.unconfirmed ?? [])].sort((a, b) => byTime(a.claimedAt, b.claimedAt));
  if (rows.length === 0) return '';
  return html`<section aria-labelledby="unconfirmed-h"><h2 id="unconfirmed-h">Touches that may not have gone out</h2>
<p>${rows.length === 1 ? '1 touch was' : `${rows.length} touches were`} claimed and never confirmed; none is sent again on its own. Check with the lead (or the mailbox) that it was not delivered, then redrive it.</p>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Lead</th><th scope="col">Cadence</th><th scope="col">Step</th><th scope="col">Channel</th><th scope="col">Claimed</th><th scope="col">Why</th><th scope="col">Redrive</th></tr></thead>
<tbody>${rows.map((r) => unconfirmedRow(r, model))}</tbody>
</table></div></section>`;
}

function taskItem(task: TaskRow, model: DashboardModel): SafeHtml {
  const zone = zoneOf(task, model);
  const overdue = isPast(task.dueAt, model.now);
  return html`<li class="card">
<div>${channelLabel(task.channel)} · <strong>${task.title}</strong> — <a href="${leadHref(task.leadId)}">${task.leadName}</a></div>
<div class="${overdue ? 'overdue' : 'muted'}">Due ${when(task.dueAt, zone, model.now)} (${relative(task.dueAt, model.now)})</div>
<details><summary>${task.channel === 'call' ? 'Call script' : 'Instructions'}</summary><p class="script">${task.script}</p></details>
${outcomeButtons(task.leadId)}
</li>`;
}

function tasks(model: DashboardModel): SafeHtml {
  if (model.tasks.length === 0) {
    return emptyState(
      'No calls or tasks due. When a cadence reaches a call or task step, it lands here with its script for the lead’s owner.',
    );
  }
  const sorted = [...model.tasks].sort((a, b) => byTime(a.dueAt, b.dueAt));
  return html`<ul class="tasks">${sorted.map((t) => taskItem(t, model))}</ul>`;
}

function latest<T extends { readonly at: string }>(rows: readonly T[]): readonly T[] {
  return [...rows].sort((a, b) => byTime(b.at, a.at)).slice(0, RECENT);
}

function shownOf(shown: number, total: number): SafeHtml | '' {
  return total > shown ? html`<p class="muted">The latest ${shown} of ${total}.</p>` : '';
}

/** The lead an email address or phone number belongs to, to link it and show its times in the lead's zone. */
function leadsByContact(leads: readonly LeadRow[]): ReadonlyMap<string, LeadRow> {
  const byContact = new Map<string, LeadRow>();
  for (const lead of leads) {
    byContact.set(lead.email.toLowerCase(), lead);
    if (lead.phone) byContact.set(lead.phone, lead);
  }
  return byContact;
}

function recipient(to: string, lead: LeadRow | undefined): SafeHtml {
  return lead ? html`<a href="${leadHref(lead.id)}">${to}</a>` : html`${to}`;
}

function smsOutbox(model: DashboardModel, byContact: ReadonlyMap<string, LeadRow>): SafeHtml {
  if (model.sms.length === 0) {
    return emptyState(
      'No text messages yet. SMS steps go only to leads who ticked the consent box on the form; they appear here instead of on a phone.',
    );
  }
  const rows = latest<SmsRow>(model.sms).map((m) => {
    const lead = byContact.get(m.to);
    return html`<tr><td>${recipient(m.to, lead)}</td><td>${m.body}</td><td>${when(m.at, lead?.zone, model.now)}</td></tr>`;
  });
  return html`<div class="table-wrap"><table>
<thead><tr><th scope="col">To</th><th scope="col">Message</th><th scope="col">Sent</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>${shownOf(rows.length, model.sms.length)}`;
}

function emails(model: DashboardModel, byContact: ReadonlyMap<string, LeadRow>): SafeHtml {
  const mailbox = safeHref(model.mailboxUrl);
  if (model.emails.length === 0) {
    return emptyState(
      html`No emails sent yet. Every email the engine sends lands in the <a href="${mailbox}">local mailbox</a>, nothing leaves this machine.`,
    );
  }
  const rows = latest<EmailRow>(model.emails).map((e) => {
    const lead = byContact.get(e.to.toLowerCase());
    return html`<tr><td>${recipient(e.to, lead)}</td><td><a href="${mailbox}">${e.subject}</a></td><td>${when(e.at, lead?.zone, model.now)}</td></tr>`;
  });
  return html`<div class="table-wrap"><table>
<thead><tr><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Sent</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>${shownOf(rows.length, model.emails.length)}
<p><a href="${mailbox}">Open the mailbox</a> to read them with their headers.</p>`;
}

function cadenceRow(c: CadenceStats): SafeHtml {
  return html`<tr><th scope="row">${c.cadence}</th><td class="num">${c.contacted}</td><td class="num">${c.touchesSent}</td><td class="num">${c.replies}</td><td class="num">${percent(c.replies, c.contacted)}</td><td class="num">${c.won}</td></tr>`;
}

function cadences(model: DashboardModel): SafeHtml {
  if (model.cadences.length === 0) {
    return emptyState(
      html`No cadence has enrolled anyone yet. Cadences live in <code>cadences/*.json</code>; try <code>npx followup cadence preview cadences/proposal.json --start 2026-01-05T09:00:00Z --tz America/Chicago</code>.`,
    );
  }
  return html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Cadence</th><th scope="col" class="num">Contacted</th><th scope="col" class="num">Touches sent</th><th scope="col" class="num">Replies</th><th scope="col" class="num">Response rate</th><th scope="col" class="num">Won</th></tr></thead>
<tbody>${model.cadences.map(cadenceRow)}</tbody>
</table></div>`;
}

function clock(model: DashboardModel): SafeHtml {
  const speed =
    model.speed && model.speed !== 1
      ? html` · clock runs at ${formatNumber(model.speed)}× (a day passes in ${formatNumber(86400 / model.speed)} s)`
      : '';
  return html`<p class="lede">Now ${when(model.now, undefined, model.now)}${speed} · <a href="/">Refresh</a></p>`;
}

/** The dashboard at `/`. */
export function renderDashboard(model: DashboardModel): string {
  const byContact = leadsByContact(model.leads);
  const main = html`<h1>Dashboard</h1>
${clock(model)}
${summary(model)}
${unstarted(model)}
${unconfirmed(model)}
<section aria-labelledby="results-h"><h2 id="results-h">Follow-up results</h2>${followUpCharts(model.followUp)}</section>
<section aria-labelledby="leads-h"><h2 id="leads-h">Leads</h2>${leadsTable(model)}</section>
<section aria-labelledby="tasks-h"><h2 id="tasks-h">Tasks for reps</h2>${tasks(model)}</section>
<section aria-labelledby="sms-h"><h2 id="sms-h">SMS outbox</h2>${smsOutbox(model, byContact)}</section>
<section aria-labelledby="emails-h"><h2 id="emails-h">Recent emails</h2>${emails(model, byContact)}</section>
<section aria-labelledby="cadences-h"><h2 id="cadences-h">Cadences</h2>${cadences(model)}</section>`;
  return page({
    title: 'Dashboard',
    current: 'dashboard',
    mailboxUrl: model.mailboxUrl,
    main,
    postButtons: true,
    styles: CHART_STYLES,
  });
}
