import * as z from '../core/zod.ts';
import { leadIdFor } from './lead.ts';
import type { SendingGovernor } from './sending-governor-service.ts';
import type { Signal, UnmatchedSignal } from './signal-schema.ts';
import { applySignal, type SignalDeps, type SignalResult } from './signals.ts';

/*
 * What SES tells about a sent email, through the configuration set's EventBridge destination: bounces and
 * complaints suppress the address and end the follow-up; deliveries, opens and clicks are recorded. The touch tags
 * each email with leadId, cadence and step; an email the engine sent to a person of ours (a rep's task, a forwarded
 * reply: tag `kind`) is not about a lead and is ignored, so a rep's full inbox never bounces a lead.
 */

const text = () => z.optional(z.string());
const Recipients = z._default(z.array(z.object({ emailAddress: z.string() })), []);

export const SesEventSchema = z.object({
  id: z.string().check(z.minLength(1)),
  'detail-type': z.string(),
  time: text(),
  detail: z.object({
    eventType: z.string(),
    mail: z.object({
      messageId: z.string().check(z.minLength(1)),
      destination: z._default(z.array(z.string()), []),
      tags: z._default(z.record(z.string(), z.array(z.string())), {}),
    }),
    bounce: z.optional(
      z.object({
        bounceType: z.string(),
        bounceSubType: text(),
        bouncedRecipients: Recipients,
        timestamp: text(),
      }),
    ),
    complaint: z.optional(
      z.object({
        complainedRecipients: Recipients,
        complaintFeedbackType: text(),
        timestamp: text(),
      }),
    ),
    delivery: z.optional(z.object({ timestamp: text() })),
    open: z.optional(z.object({ timestamp: text() })),
    click: z.optional(z.object({ timestamp: text(), link: text() })),
  }),
});
export type SesEvent = z.infer<typeof SesEventSchema>;

export type SesEventResult =
  | { readonly outcome: SignalResult['outcome']; readonly type: Signal['type']; readonly leadId: string }
  | { readonly outcome: 'ignored'; readonly reason: string };

const SOURCE = 'ses-events';
const BOUNCE_TYPES = new Set(['Permanent', 'Transient', 'Undetermined']);

const instant = (value: string | undefined) =>
  value && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : undefined;

/** The signal an SES event stands for, without its lead; undefined for events that change nothing. */
export function sesSignal(event: SesEvent, now: Date): UnmatchedSignal | undefined {
  const { detail } = event;
  const messageId = detail.mail.messageId;
  const at = (timestamp: string | undefined) =>
    instant(timestamp) ?? instant(event.time) ?? now.toISOString();
  const base = { v: 1 as const, source: SOURCE, messageId };
  switch (detail.eventType) {
    case 'Bounce': {
      const bounce = detail.bounce;
      const bounceType = BOUNCE_TYPES.has(bounce?.bounceType ?? '')
        ? (bounce?.bounceType as 'Permanent' | 'Transient' | 'Undetermined')
        : 'Undetermined';
      return {
        ...base,
        type: 'bounce',
        // One bounce per message: a redelivered event, whatever its EventBridge id, is the same bounce.
        id: `bounce:${messageId}`,
        at: at(bounce?.timestamp),
        bounceType,
        ...(bounce?.bounceSubType ? { bounceSubType: bounce.bounceSubType } : {}),
        addresses: (bounce?.bouncedRecipients ?? []).map((r) => r.emailAddress),
      };
    }
    case 'Complaint':
      return {
        ...base,
        type: 'complaint',
        id: `complaint:${messageId}`,
        at: at(detail.complaint?.timestamp),
        addresses: (detail.complaint?.complainedRecipients ?? []).map((r) => r.emailAddress),
        ...(detail.complaint?.complaintFeedbackType
          ? { feedbackType: detail.complaint.complaintFeedbackType }
          : {}),
      };
    case 'Delivery':
      return { ...base, type: 'delivery', id: `delivery:${messageId}`, at: at(detail.delivery?.timestamp) };
    case 'Open':
      // A message may be opened many times; each event is one open.
      return { ...base, type: 'open', id: `open:${event.id}`, at: at(detail.open?.timestamp) };
    case 'Click':
      return {
        ...base,
        type: 'click',
        id: `click:${event.id}`,
        at: at(detail.click?.timestamp),
        ...(detail.click?.link ? { link: detail.click.link } : {}),
      };
    default:
      return undefined;
  }
}

/** With a `sending` block, hard bounces and complaints also fill the governor's reputation window. */
export interface SesEventDeps extends SignalDeps {
  readonly sending?: Pick<SendingGovernor, 'recordOutcome'>;
}

export async function receiveSesEvent(
  deps: SesEventDeps,
  event: SesEvent,
  now: Date,
): Promise<SesEventResult> {
  const { tags, destination } = event.detail.mail;
  if (tags.kind?.length)
    return { outcome: 'ignored', reason: `an email to a person of ours (${tags.kind[0]})` };
  const signal = sesSignal(event, now);
  if (!signal) return { outcome: 'ignored', reason: `event type ${event.detail.eventType}` };
  const tagged = tags.leadId?.[0];
  const leadId = tagged ?? (destination[0] ? leadIdFor(destination[0]) : undefined);
  if (!leadId) return { outcome: 'ignored', reason: 'no leadId tag and no destination' };
  const result = await applySignal(deps, { ...signal, leadId } as Signal, now);
  // Counted once per message, as SES's own reputation counts hard bounces and complaints.
  const counted =
    signal.type === 'complaint' || (signal.type === 'bounce' && signal.bounceType === 'Permanent');
  if (deps.sending && counted && result.outcome !== 'duplicate') {
    const rep = await deps.sending.recordOutcome(signal.type === 'bounce' ? 'bounce' : 'complaint', now);
    // Marketing sends stop until someone looks: the SendingPaused alarm emails the owner (§8.12).
    if (rep.paused) {
      deps.logger.warn('sending-paused', { breach: rep.breach, sends: rep.sends });
      deps.metrics?.add('SendingPaused', 1);
    }
  }
  return { outcome: result.outcome, type: signal.type, leadId };
}
