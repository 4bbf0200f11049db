import { DateTime, IANAZone } from 'luxon';
import * as z from 'zod';
import { EXIT_SIGNALS, SMS_EARLIEST, SMS_LATEST } from '../core/cadence-schema.ts';
import { LeadExited, TransientError } from '../core/errors.ts';
import { ExecutionInputSchema, TouchPayloadSchema } from '../core/execution-input.ts';
import { escapeHtml } from '../core/html.ts';
import { assertUnreachable, minutesOfDay } from '../core/schedule.ts';
import {
  type BusinessVariables,
  leadVariables,
  type OwnerVariables,
  type RenderedMessage,
  renderTemplate,
  type TemplateContext,
} from '../core/templates.ts';
import { SendRejected, SendUnconfirmed } from './errors.ts';
import { type FrequencyCap, sendEntry, sendsInWindow } from './frequency-cap.ts';
import { exitReason, type Lead, SUPPRESSED_STATUSES, suppressionKey } from './lead.ts';
import { compact } from './lead-input.ts';
import { measureSent, measureUnsent } from './metrics.ts';
import { type OutcomeLink, outcomeLinks } from './outcome-links.ts';
import type {
  Aggregates,
  CadenceCatalog,
  ContactRecorded,
  LeadStore,
  Logger,
  Mailer,
  MetricSink,
  OutgoingEmail,
  SmsSender,
  TemplateLoader,
  TouchKey,
  TouchRecord,
} from './ports.ts';
import { type SigningKey, signToken } from './tokens.ts';
import { claimIsStale, giveUpClaim, STALE_CLAIM_MS, staleClaimReason } from './unconfirmed-touches.ts';

/*
 * One touch of a cadence (docs/architecture.md §8.3–§8.5). Read the lead consistently; leave if it exited; skip what
 * consent, suppression, quiet hours or the frequency cap forbid; claim the touch with a conditional write so a retry
 * never sends twice; render the template as it is now; send; record. A transient failure gives the claim back and
 * throws TransientError so Step Functions retries; a permanent one is recorded as `failed` and fails the execution. A
 * send that may have gone out, or a claim an earlier attempt left and never finished, is recorded `unconfirmed` for a
 * person to redrive: never sent again on its own.
 */

export const TouchEventSchema = TouchPayloadSchema.extend({
  /** The next touch of this enrollment (`$.schedule[i+1].at`), for the lead's "next touch" field. */
  nextAt: z.iso.datetime().optional(),
  /** The cadence's exit signals, when the definition passes them; else they are read from the cadence file. */
  exitOn: z.array(z.enum(EXIT_SIGNALS)).optional(),
});
export type TouchEvent = z.infer<typeof TouchEventSchema>;

export interface TouchSettings {
  /** https, ending in "/u/": the token is appended. */
  readonly unsubscribeBaseUrl: string;
  readonly replyDomain: string;
  readonly business: BusinessVariables;
  readonly owner: OwnerVariables;
  readonly frequencyCap: FrequencyCap;
  readonly defaultTimeZone: string;
  /** Where a rep opens a lead (`<dashboardUrl>/leads/<leadId>`); task emails carry no link without it. */
  readonly dashboardUrl?: string;
  /** The API's base URL: task emails carry signed outcome links (`<apiBaseUrl>/o/<token>`) only when it is set. */
  readonly apiBaseUrl?: string;
}

export interface TouchDeps {
  readonly store: LeadStore;
  readonly mailer: Mailer;
  readonly sms: SmsSender;
  readonly cadences: CadenceCatalog;
  readonly templates: TemplateLoader;
  /** The HMAC key of unsubscribe and reply tokens. */
  readonly signingKey: () => Promise<SigningKey>;
  readonly settings: TouchSettings;
  readonly logger: Logger;
  /** The report's counters (docs/architecture.md §5.3). */
  readonly aggregates?: Aggregates;
  /** CloudWatch business metrics. */
  readonly metrics?: MetricSink;
  /**
   * The instant a claim is taken and judged old by: the handler's `now` on Lambda. The local runtime passes its
   * moving clock, because there `now` is the touch's due instant, which a late or resumed attempt shares.
   */
  readonly claimClock?: () => Date;
  /** How old an unfinished claim must be to be given up (default STALE_CLAIM_MS; scaled with a faster clock). */
  readonly staleClaimMs?: number;
}

export type SkipReason = 'suppressed' | 'no-phone' | 'no-sms-consent' | 'quiet-hours' | 'frequency-cap';

export interface TouchResult {
  /** `duplicate`: an earlier attempt of this touch already claimed it; nothing was sent now. */
  /** `unconfirmed`: the provider may have sent it (its answer was lost); the claim stays so it is never sent twice. */
  readonly status: 'sent' | 'skipped' | 'duplicate' | 'unconfirmed';
  readonly reason?: string;
}

export const SMS_OPT_OUT = ' Reply STOP to opt out.';

/** Whether an SMS may go out at `now` in `zone` (US TCPA quiet hours: 08:00–21:00 local). */
export function inSmsHours(now: Date, zone: string): boolean {
  const local = DateTime.fromJSDate(now, { zone });
  const minutes = local.hour * 60 + local.minute;
  return minutes >= minutesOfDay(SMS_EARLIEST) && minutes < minutesOfDay(SMS_LATEST);
}

const validZone = (zone: string | undefined) => (zone && IANAZone.isValidZone(zone) ? zone : undefined);

/** The zone a touch's quiet hours and dates are judged in: the lead's, else the cadence's, else the default. */
export const touchZone = (deps: TouchDeps, lead: Lead, cadenceZone: string | undefined): string =>
  validZone(lead.zone) ?? validZone(cadenceZone) ?? deps.settings.defaultTimeZone;

export async function performTouch(deps: TouchDeps, event: TouchEvent, now: Date): Promise<TouchResult> {
  const { store, logger } = deps;
  const at = now.toISOString();
  const ids = {
    leadId: event.leadId,
    cadence: event.cadenceId,
    step: event.stepId,
    enrollmentId: event.enrollmentId,
  };
  const key: TouchKey = {
    leadId: event.leadId,
    enrollmentId: event.enrollmentId,
    stepIndex: event.stepIndex,
  };

  const cadence = await deps.cadences.get(event.cadenceId);
  const exitRule = { id: event.cadenceId, then: cadence?.then, exitOn: event.exitOn ?? cadence?.exitOn };
  const exitOf = (current: Lead | undefined) =>
    current ? exitReason(current.status, exitRule) : 'lead not found';
  const leave = async (reason: string | undefined, after?: 'claim') => {
    await store.releaseActive(event.leadId, event.cadenceId, event.enrollmentId);
    logger.info('touch-exited', { ...ids, reason, ...(after ? { after } : {}) });
    throw new LeadExited(`${event.leadId}: ${reason}`);
  };

  const found = await store.getLead(event.leadId);
  const lead = found ? await wakeFromSnooze(deps, found, event, now) : undefined;
  const exit = exitOf(lead);
  if (!lead || exit) return leave(exit);

  const zone = touchZone(deps, lead, cadence?.timezone);
  const claimedAt = (deps.claimClock?.() ?? now).toISOString();
  const record = (status: TouchRecord['status'], reason?: string): TouchRecord =>
    compact({
      ...key,
      cadenceId: event.cadenceId,
      stepId: event.stepId,
      channel: event.channel,
      template: event.template,
      scheduledAt: event.scheduledAt,
      status,
      reason,
      at,
      ...(status === 'claimed' ? { claimedAt } : {}),
    });
  const duplicate = async (existing: TouchRecord): Promise<TouchResult> => {
    // An earlier attempt claimed it and stopped before it could say what happened: a person decides, not a retry.
    if (claimIsStale(existing, new Date(claimedAt), deps.staleClaimMs ?? STALE_CLAIM_MS)) {
      const marker = { ...key, claimedAt: existing.claimedAt ?? existing.at };
      const reason = staleClaimReason(marker.claimedAt);
      if (await giveUpClaim(deps, marker, reason, new Date(claimedAt)))
        return { status: 'unconfirmed', reason };
    }
    logger.info('touch-duplicate', { ...ids, existing: existing.status });
    return { status: 'duplicate', reason: existing.status };
  };
  // A touch that did not go out counts in the lead's month (its first touch), as the number it would have had.
  const unsent = (l: Lead) => ({
    leadId: event.leadId,
    cadenceId: event.cadenceId,
    cohortAt: l.firstContactAt ?? at,
    touchCount: l.touchCount,
  });

  const skip = await skipReason(deps, lead, event, zone, now);
  if (skip) {
    const existing = await store.claimTouch(record('skipped', skip));
    if (existing) return duplicate(existing);
    logger.info('touch-skipped', { ...ids, reason: skip });
    await measureUnsent(deps, unsent(lead), 'skipped');
    return { status: 'skipped', reason: skip };
  }

  const existing = await store.claimTouch(record('claimed'));
  if (existing) return duplicate(existing);

  // A reply, an opt-out or a bounce may have landed since the first read: this touch goes out only if the lead is
  // still here now. Signals write before they stop executions, so what they wrote is seen by this read.
  const current = await store.getLead(event.leadId);
  const exitNow = exitOf(current);
  if (!current || exitNow) {
    await store.releaseTouch(key);
    return leave(exitNow, 'claim');
  }
  const skipNow = await skipReason(deps, current, event, zone, now);
  if (skipNow) {
    await store.finishTouch(key, { status: 'skipped', reason: skipNow, at });
    logger.info('touch-skipped', { ...ids, reason: skipNow });
    await measureUnsent(deps, unsent(current), 'skipped');
    return { status: 'skipped', reason: skipNow };
  }

  let slot: string | undefined;
  let messageId: string;
  try {
    if (event.channel === 'email' || event.channel === 'sms') {
      slot = await takeSendSlot(deps, current, `${event.enrollmentId}#${event.stepIndex}`, now, exitOf);
      if (!slot) {
        await store.finishTouch(key, { status: 'skipped', reason: 'frequency-cap', at });
        logger.info('touch-skipped', { ...ids, reason: 'frequency-cap' });
        await measureUnsent(deps, unsent(current), 'skipped');
        return { status: 'skipped', reason: 'frequency-cap' };
      }
    }
    messageId = await deliver(deps, current, event, zone, at);
  } catch (error) {
    if (error instanceof SendUnconfirmed) {
      // It may be out: keep the slot, record it unconfirmed so no retry sends it again, alarm, and go on.
      await giveUpClaim(deps, { ...key, claimedAt }, error.message, new Date(claimedAt));
      await measureUnsent(deps, unsent(current), 'failed');
      return { status: 'unconfirmed', reason: error.message };
    }
    await undo(deps, key, slot, error, at);
    if (error instanceof LeadExited) return leave(error.message, 'claim');
    logger.error('touch-failed', {
      ...ids,
      error: errorName(error),
      transient: error instanceof TransientError,
    });
    // A transient failure is retried; a permanent one is recorded as failed and fails the execution.
    if (!(error instanceof TransientError)) await measureUnsent(deps, unsent(current), 'failed');
    throw error;
  }

  await recordSent(deps, event, at, messageId, { nextTouch: true });
  return { status: 'sent' };
}

/**
 * After the message is out: the touch `sent`, the contact on the lead, the measures. A failure from here on must not
 * release the claim, or a retry would send it again; `nextTouch` also moves the lead's next-touch date.
 */
export async function recordSent(
  deps: TouchDeps,
  event: TouchEvent,
  at: string,
  messageId: string,
  options: { readonly nextTouch: boolean },
): Promise<void> {
  const { store, logger } = deps;
  const key: TouchKey = {
    leadId: event.leadId,
    enrollmentId: event.enrollmentId,
    stepIndex: event.stepIndex,
  };
  const ids = {
    leadId: event.leadId,
    cadence: event.cadenceId,
    step: event.stepId,
    enrollmentId: event.enrollmentId,
  };
  let recorded: ContactRecorded | undefined;
  try {
    await store.finishTouch(key, { status: 'sent', at, messageId });
    recorded = await store.recordContact(event.leadId, {
      at,
      channel: event.channel,
      template: event.template,
      cadenceId: event.cadenceId,
      enrollmentId: event.enrollmentId,
    });
    const next = options.nextTouch ? (event.nextAt ?? (await nextScheduled(store, key))) : undefined;
    if (next) await store.setNextTouch(event.leadId, next, at);
  } catch (error) {
    logger.error('touch-bookkeeping-failed', { ...ids, error: errorName(error) });
  }
  logger.info('touch-sent', { ...ids, channel: event.channel, touch: recorded?.touchCount });
  await measureSent(
    deps,
    {
      leadId: event.leadId,
      cadenceId: event.cadenceId,
      enrollmentId: event.enrollmentId,
      channel: event.channel,
      at,
    },
    recorded,
  );
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : typeof error);

/** A snoozed lead whose snooze has ended is active again: the first touch after the date wakes it. */
async function wakeFromSnooze(deps: TouchDeps, lead: Lead, event: TouchEvent, now: Date): Promise<Lead> {
  if (lead.status !== 'snoozed' || !lead.snoozedUntil || Date.parse(lead.snoozedUntil) > now.getTime()) {
    return lead;
  }
  const at = now.toISOString();
  const woke = await deps.store.changeStatus(lead.leadId, 'snoozed', 'active', {
    at,
    kind: 'status',
    source: `cadence:${event.cadenceId}`,
    from: 'snoozed',
    to: 'active',
    detail: { reason: 'snooze ended' },
  });
  if (woke) {
    deps.logger.info('lead-woke', { leadId: lead.leadId, cadence: event.cadenceId });
    return { ...lead, status: 'active', statusChangedAt: at };
  }
  return (await deps.store.getLead(lead.leadId)) ?? lead;
}

export async function skipReason(
  deps: TouchDeps,
  lead: Lead,
  event: TouchEvent,
  zone: string,
  now: Date,
): Promise<SkipReason | undefined> {
  const { store } = deps;
  switch (event.channel) {
    case 'email':
      if (SUPPRESSED_STATUSES.has(lead.status) || (await store.isSuppressed([suppressionKey(lead.email)]))) {
        return 'suppressed';
      }
      return undefined;
    case 'sms':
      if (!lead.phone) return 'no-phone';
      if (SUPPRESSED_STATUSES.has(lead.status) || (await store.isSuppressed([suppressionKey(lead.phone)]))) {
        return 'suppressed';
      }
      if (!lead.smsConsent) return 'no-sms-consent';
      if (!inSmsHours(now, zone)) return 'quiet-hours';
      return undefined;
    case 'call':
    case 'task':
      return undefined;
    default:
      return assertUnreachable(event.channel);
  }
}

/** Takes one of the lead's send slots; undefined when the cap is reached. Retries when another send raced it. */
/**
 * Reserves the lead's frequency-cap slot with a write conditional on `sendsVersion`, which every status change
 * bumps: the reservation is the moment the send is decided, so a reply written before it stops this touch.
 */
async function takeSendSlot(
  deps: TouchDeps,
  lead: Lead,
  touch: string,
  now: Date,
  exitOf: (lead: Lead | undefined) => string | undefined,
): Promise<string | undefined> {
  const cap = deps.settings.frequencyCap;
  const entry = sendEntry(now, touch);
  let current: Lead | undefined = lead;
  for (let attempt = 0; attempt < 3 && current; attempt++) {
    const recent = sendsInWindow(current.recentSends, cap, now);
    if (recent.length >= cap.count) return undefined;
    if (await deps.store.reserveSends(lead.leadId, current.sendsVersion, [...recent, entry])) return entry;
    current = await deps.store.getLead(lead.leadId);
    const exit = exitOf(current);
    if (exit) throw new LeadExited(`${lead.leadId}: ${exit}`);
  }
  throw new TransientError(`${lead.leadId}: concurrent sends kept taking the frequency-cap slot; retry`);
}

/** After a failed send: give the slot back, then free the claim (transient) or record the failure (permanent). */
async function undo(deps: TouchDeps, key: TouchKey, slot: string | undefined, error: unknown, at: string) {
  const { store, logger } = deps;
  try {
    if (slot) await giveBackSlot(store, key.leadId, slot);
    // Nothing went out: give the claim back (a retry, or no touch at all when the lead left meanwhile).
    if (error instanceof TransientError || error instanceof LeadExited) await store.releaseTouch(key);
    else {
      const reason = error instanceof SendRejected ? error.reason : errorName(error);
      await store.finishTouch(key, { status: 'failed', reason, at });
    }
  } catch (cleanup) {
    // The claim stays: the retry sends nothing, so the rule "at most one send" holds; the alarm shows the failure.
    logger.error('touch-cleanup-failed', { leadId: key.leadId, error: errorName(cleanup) });
  }
}

async function giveBackSlot(store: LeadStore, leadId: string, slot: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const lead = await store.getLead(leadId);
    if (!lead?.recentSends.includes(slot)) return;
    const rest = lead.recentSends.filter((entry) => entry !== slot);
    if (await store.reserveSends(leadId, lead.sendsVersion, rest)) return;
  }
}

async function nextScheduled(store: LeadStore, key: TouchKey): Promise<string | undefined> {
  const enrollment = await store.getEnrollment(key.leadId, key.enrollmentId);
  if (!enrollment) return undefined;
  return ExecutionInputSchema.parse(JSON.parse(enrollment.inputJson)).schedule[key.stepIndex + 1]?.at;
}

export function templateContext(
  lead: Lead,
  settings: TouchSettings,
  unsubscribeUrl: string,
): TemplateContext {
  return {
    lead: leadVariables(lead),
    owner: settings.owner,
    business: settings.business,
    unsubscribeUrl,
    ...(lead.cart ? { cart: lead.cart } : {}),
  };
}

/** Renders and sends the touch; returns the provider's message id. */
export async function deliver(
  deps: TouchDeps,
  lead: Lead,
  event: TouchEvent,
  zone: string,
  at: string,
): Promise<string> {
  const { settings } = deps;
  const source = await deps.templates(event.template);
  const key = await deps.signingKey();
  const token = signToken(lead.leadId, key);
  const ctx = templateContext(lead, settings, `${settings.unsubscribeBaseUrl}${token}`);
  const tags = { leadId: lead.leadId, cadence: event.cadenceId, step: event.stepId };
  switch (event.channel) {
    case 'email': {
      const message = renderTemplate(source, 'email', ctx);
      const sent = await deps.mailer.send({
        to: lead.email,
        subject: message.subject ?? '',
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        replyTo: [`reply+${token}@${settings.replyDomain}`],
        headers: [
          { name: 'List-Unsubscribe', value: `<${ctx.unsubscribeUrl}>` },
          { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
        ],
        tags,
      });
      return sent.messageId;
    }
    case 'sms': {
      const message = renderTemplate(source, 'sms', ctx);
      // The first text a number gets says how to stop them; later ones keep the room for the message.
      const text = lead.smsCount > 0 ? message.text : `${message.text}${SMS_OPT_OUT}`;
      return (await deps.sms.send({ to: lead.phone ?? '', text })).messageId;
    }
    case 'call':
    case 'task': {
      const message = renderTemplate(source, event.channel, ctx);
      const links = settings.apiBaseUrl
        ? outcomeLinks(settings.apiBaseUrl, lead.leadId, key, new Date(at))
        : [];
      const email = ownerTaskEmail(lead, event, message, zone, settings, links);
      await deps.store.putTask({
        leadId: lead.leadId,
        enrollmentId: event.enrollmentId,
        stepIndex: event.stepIndex,
        cadenceId: event.cadenceId,
        stepId: event.stepId,
        channel: event.channel,
        owner: lead.owner ?? settings.owner.email,
        title: email.subject,
        script: message.text,
        dueAt: event.scheduledAt,
        createdAt: at,
      });
      return (await deps.mailer.send({ ...email, tags: { ...tags, kind: 'task' } })).messageId;
    }
    default:
      return assertUnreachable(event.channel);
  }
}

/** The email that hands a call or a manual step to the lead's owner: who, when, what to say, where to open it. */
export function ownerTaskEmail(
  lead: Lead,
  event: TouchEvent,
  message: RenderedMessage,
  zone: string,
  settings: TouchSettings,
  outcomes: readonly OutcomeLink[] = [],
): OutgoingEmail & { subject: string } {
  const who = lead.name ?? lead.email;
  const subject = message.subject ?? `${event.channel === 'call' ? 'Call' : 'To do for'} ${who}`;
  const due = DateTime.fromISO(event.scheduledAt, { zone }).toFormat('ccc d LLL yyyy, HH:mm ZZZZ');
  const lastContact = lead.lastContactAt
    ? `${DateTime.fromISO(lead.lastContactAt, { zone }).toFormat('d LLL yyyy')} (${lead.lastChannel ?? 'unknown'})`
    : 'none yet';
  const details: [string, string | undefined][] = [
    ['Name', lead.name],
    ['Email', lead.email],
    ['Phone', lead.phone],
    ['Company', lead.company],
    ['Asked about', lead.interest],
    ['Came from', lead.source],
    ['Note', lead.note],
    ['Time zone', zone],
    ['Last contact', lastContact],
    ['Touches so far', String(lead.touchCount)],
  ];
  const shown = details.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '');
  const link = settings.dashboardUrl
    ? `${settings.dashboardUrl.replace(/\/+$/, '')}/leads/${encodeURIComponent(lead.leadId)}`
    : undefined;
  const when = `Due ${due}, the lead's local time · cadence ${event.cadenceId}, step ${event.stepId}`;
  const text = [
    subject,
    when,
    '',
    'Lead',
    ...shown.map(([label, value]) => `  ${label}: ${value}`),
    '',
    'Script',
    message.text,
    ...(link ? ['', `Open the lead: ${link}`] : []),
    ...(outcomes.length > 0
      ? ['', 'How did it go? One click records it:', ...outcomes.map((o) => `  ${o.label}: ${o.url}`)]
      : []),
  ].join('\n');
  const html = [
    `<p><strong>${escapeHtml(subject)}</strong><br>${escapeHtml(when)}</p>`,
    `<table>${shown.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>`,
    `<h3>Script</h3><p>${escapeHtml(message.text).replace(/\n/g, '<br>\n')}</p>`,
    ...(link ? [`<p><a href="${escapeHtml(link)}">Open the lead</a></p>`] : []),
    ...(outcomes.length > 0
      ? [
          `<p>How did it go? One click records it: ${outcomes.map((o) => `<a href="${escapeHtml(o.url)}">${escapeHtml(o.label)}</a>`).join(' · ')}</p>`,
        ]
      : []),
  ].join('\n');
  return { to: lead.owner ?? settings.owner.email, subject, text, html };
}
