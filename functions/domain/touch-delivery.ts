import { leadVariables, type TemplateContext } from '../core/template-context.ts';
import { renderTemplate } from '../core/templates.ts';
import { assertUnreachable } from '../core/unreachable.ts';
import type { Lead } from './lead.ts';
import { outcomeLinks } from './outcome-links.ts';
import { ownerTaskEmail } from './owner-task-email.ts';
import type { LeadStore, Mailer, SmsSender, TemplateLoader } from './ports.ts';
import type { SendingGovernor } from './sending-governor-service.ts';
import { type SigningKey, signToken } from './tokens.ts';
import type { TouchEvent, TouchSettings } from './touch-input.ts';

/*
 * One touch rendered from its template as it is now and handed to its channel: an email with its unsubscribe headers
 * and Reply-To (§8.7), a text, or a rep's task (stored, and emailed to the lead's owner).
 */

export interface DeliveryDeps {
  readonly store: LeadStore;
  readonly mailer: Mailer;
  readonly sms: SmsSender;
  readonly templates: TemplateLoader;
  /** The HMAC key of unsubscribe and reply tokens. */
  readonly signingKey: () => Promise<SigningKey>;
  readonly settings: TouchSettings;
  /** The `sending` block's governor; absent, emails and texts go out as before, with no request of its own. */
  readonly governor?: Pick<SendingGovernor, 'take'>;
  /** The moving clock the local runtime passes (TouchDeps.claimClock): its `now` is the due instant, retries too. */
  readonly claimClock?: () => Date;
}

export const SMS_OPT_OUT = ' Reply STOP to opt out.';

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
  deps: DeliveryDeps,
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
      // Decided before SES is called: no capacity throws SendingCapacity, the claim is given back and the Task retries.
      await deps.governor?.take(deps.claimClock?.() ?? new Date(at), event.transactional === true);
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
      // Texts take from their own bucket (the number's MPS) and wait while a pause is on, as marketing email does.
      await deps.governor?.take(deps.claimClock?.() ?? new Date(at), false, 'sms');
      return (await deps.sms.send({ to: lead.phone ?? '', text })).messageId;
    }
    case 'call':
    case 'task': {
      const message = renderTemplate(source, event.channel, ctx);
      const links = settings.apiBaseUrl
        ? outcomeLinks(settings.apiBaseUrl, lead.leadId, key, new Date(at), {
            enrollmentId: event.enrollmentId,
            stepIndex: event.stepIndex,
          })
        : [];
      const email = ownerTaskEmail(lead, event, message, zone, settings, links);
      // The rep's notice is SES mail too: it takes a token (or a wave of them throttles SES), but as our own mail to
      // our own rep it is never capped or paused, like a transactional reply (docs/architecture.md §8.12).
      await deps.governor?.take(deps.claimClock?.() ?? new Date(at), true);
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
