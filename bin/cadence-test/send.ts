import { randomBytes } from 'node:crypto';
import type { Cadence } from '../../functions/core/cadence-schema.ts';
import { SAMPLE_CONTEXT } from '../../functions/core/template-context.ts';
import type { Lead } from '../../functions/domain/lead.ts';
import type { Mailer, OutgoingEmail, SmsSender, TemplateLoader } from '../../functions/domain/ports.ts';
import { deliver } from '../../functions/domain/touch-delivery.ts';
import type { TouchSettings } from '../../functions/domain/touch-input.ts';
import { MemoryLeadStore } from '../../local/memory/lead-store.ts';

/*
 * Every touch of a cadence sent once to a test address, through the Touch function's own rendering and delivery
 * (`deliver`: the email with its unsubscribe footer and headers, the text, the rep's task email), for a sample lead
 * that lives in memory only: no lead, enrollment or task is written to the engine's table. Subjects start with
 * [TEST]; a text goes to --phone, or is shown in an email when there is none.
 */

export const TEST_PREFIX = '[TEST] ';

export interface SentTouch {
  readonly step: string;
  readonly channel: string;
  readonly template: string;
  /** "email" or "sms": how it went out (a text without --phone goes as an email). */
  readonly via: 'email' | 'sms';
  readonly to: string;
  readonly subject?: string;
  readonly messageId: string;
}

export interface TestSendDeps {
  readonly mailer: Mailer;
  /** Where texts go with --phone. */
  readonly sms?: SmsSender;
  readonly templates: TemplateLoader;
  readonly settings: TouchSettings;
  /** Waits between two sends: at most a few a second reach the provider. */
  readonly pause: () => Promise<void>;
  readonly now: () => Date;
}

export interface TestSendOptions {
  readonly to: string;
  readonly phone?: string;
}

/** The sample lead the touches are rendered for: the one `cadence validate` renders with, at the test address. */
function sampleLead(cadence: Cadence, options: TestSendOptions, now: Date): Lead {
  const { lead } = SAMPLE_CONTEXT;
  const at = now.toISOString();
  return {
    leadId: `ld_test_${cadence.id}`,
    email: options.to,
    ...(lead.name ? { name: lead.name } : {}),
    ...(lead.company ? { company: lead.company } : {}),
    ...(lead.note ? { note: lead.note } : {}),
    ...(lead.interest ? { interest: lead.interest } : {}),
    ...(options.phone
      ? { phone: options.phone, smsConsent: { at, source: 'cadence test', wording: 'test send' } }
      : {}),
    ...(cadence.timezone ? { zone: cadence.timezone } : {}),
    ...(SAMPLE_CONTEXT.cart ? { cart: SAMPLE_CONTEXT.cart } : {}),
    status: 'active',
    createdAt: at,
    updatedAt: at,
    touchCount: 0,
    smsCount: 0,
    recentSends: [],
    sendsVersion: 0,
  };
}

/** Sends each touch of `cadence` once, in order; returns what went where. */
export async function sendTestTouches(
  cadence: Cadence,
  options: TestSendOptions,
  deps: TestSendDeps,
): Promise<SentTouch[]> {
  const sent: SentTouch[] = [];
  let current: Omit<SentTouch, 'via' | 'to' | 'messageId' | 'subject'> | undefined;
  const record = (via: SentTouch['via'], to: string, messageId: string, subject?: string) => {
    if (current) sent.push({ ...current, via, to, messageId, ...(subject !== undefined ? { subject } : {}) });
  };
  // Every message goes to the test address, whoever the touch would address (a task email goes to the owner).
  const mailer: Mailer = {
    async send(email: OutgoingEmail) {
      const subject = `${TEST_PREFIX}${email.subject}`;
      const result = await deps.mailer.send({ ...email, to: options.to, subject });
      record('email', options.to, result.messageId, subject);
      return result;
    },
  };
  const sms: SmsSender = {
    async send(text) {
      if (deps.sms && options.phone) {
        const result = await deps.sms.send({ ...text, to: options.phone });
        record('sms', options.phone, result.messageId);
        return result;
      }
      const subject = `${TEST_PREFIX}SMS · ${current?.step ?? ''} (${text.text.length} characters)`;
      const result = await deps.mailer.send({
        to: options.to,
        subject,
        text: `This touch is a text message. Pass --phone +1… to receive it as one. It reads:\n\n${text.text}\n`,
      });
      record('email', options.to, result.messageId, subject);
      return result;
    },
  };
  // A random key per run: the links in a test message name no real lead and unsubscribe no one.
  const key = randomBytes(32).toString('hex');
  let lead = sampleLead(cadence, options, deps.now());
  const store = new MemoryLeadStore();
  for (const [stepIndex, step] of cadence.steps.entries()) {
    if (stepIndex > 0) await deps.pause();
    current = { step: step.id, channel: step.channel, template: step.template };
    const at = deps.now().toISOString();
    await deliver(
      { store, mailer, sms, templates: deps.templates, signingKey: async () => key, settings: deps.settings },
      lead,
      {
        leadId: lead.leadId,
        enrollmentId: `test-${cadence.id}`,
        cadenceId: cadence.id,
        stepIndex,
        stepId: step.id,
        channel: step.channel,
        template: step.template,
        scheduledAt: at,
      },
      lead.zone ?? deps.settings.defaultTimeZone,
      at,
    );
    // As a real lead's counts grow: only the first text carries the opt-out line.
    if (step.channel === 'sms') lead = { ...lead, smsCount: lead.smsCount + 1 };
  }
  return sent;
}
