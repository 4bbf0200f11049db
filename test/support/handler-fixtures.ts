import { parseCadence } from '../../functions/core/cadence.ts';
import type { Cadence, CadenceInput } from '../../functions/core/cadence-schema.ts';
import { parseTemplate, TemplateNotFound } from '../../functions/core/template-file.ts';
import type { Lead } from '../../functions/domain/lead.ts';
import { leadIdFor } from '../../functions/domain/lead.ts';
import type { Logger, TemplateLoader } from '../../functions/domain/ports.ts';
import type { TouchSettings } from '../../functions/domain/touch-input.ts';
import type { StackOutputs } from '../../functions/runtime/settings.ts';

export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
export const ARN_TEMPLATE = 'arn:aws:states:us-east-1:123456789012:stateMachine:Followup-{cadence}:live';

export const EVERY_DAY = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as (
    | 'mon'
    | 'tue'
    | 'wed'
    | 'thu'
    | 'fri'
    | 'sat'
    | 'sun'
  )[],
  start: '08:00',
  end: '21:00',
};

export function cadence(input: Partial<CadenceInput> & Pick<CadenceInput, 'id' | 'steps'>): Cadence {
  const result = parseCadence({ name: input.id, ...input });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.cadence;
}

export const WEB_INQUIRY = cadence({
  id: 'web-inquiry',
  timezone: 'America/Chicago',
  steps: [
    { id: 'instant-reply', wait: '0 minutes', channel: 'email', template: 'hello', sendWindow: EVERY_DAY },
    { id: 'first-call', wait: '24 hours', channel: 'call', template: 'first-call' },
    { id: 'text-offer', wait: '2 business days', channel: 'sms', template: 'quick-text' },
  ],
  then: 'quarterly-nurture',
});

export const PROPOSAL = cadence({
  id: 'proposal',
  timezone: 'America/New_York',
  steps: [{ id: 'proposal', day: 1, channel: 'email', template: 'hello' }],
});

export const CART = cadence({
  id: 'abandoned-cart',
  exitOn: ['conversion'],
  sendWindow: EVERY_DAY,
  steps: [{ id: 'saved-cart', wait: '1 hour', channel: 'email', template: 'hello' }],
});

export const NURTURE = cadence({
  id: 'quarterly-nurture',
  timezone: 'America/Chicago',
  steps: [{ id: 'quarterly-note', wait: '3 months', channel: 'email', template: 'hello' }],
  then: 'quarterly-nurture',
});

export const ALL_CADENCES = [WEB_INQUIRY, PROPOSAL, CART, NURTURE];

const TEMPLATES: Record<string, string> = {
  hello: `---
subject: Thanks for contacting {{ business.name }}
---
Hi {{ lead.firstName }},

Thank you for reaching out{% if lead.company %} for {{ lead.company }}{% endif %}. When would you like to start?

{{ owner.signature }}`,
  'first-call': `---
subject: 'Call {{ lead.name | default: lead.email }} about their question'
---
Goal: answer what they asked and agree one next step.
{% if lead.note %}Your note: {{ lead.note }}{% endif %}`,
  'quick-text': `Hi {{ lead.firstName }}, {{ owner.firstName }} at {{ business.name }}. Want our written answers? Reply and I'll email them.`,
};

export const templates: TemplateLoader = async (name) => {
  const text = TEMPLATES[name];
  if (text === undefined) throw new TemplateNotFound(name, `templates/${name}.liquid`);
  return parseTemplate(name, text);
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** Captures log lines, to assert that no address reaches the logs. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (message: string, fields?: Readonly<Record<string, unknown>>) => {
    lines.push(JSON.stringify({ message, ...fields }));
  };
  return { lines, info: push, warn: push, error: push };
}

export function storedLead(overrides: Partial<Lead> & { email: string }): Lead {
  const at = '2026-03-02T15:00:00.000Z';
  return {
    leadId: leadIdFor(overrides.email),
    status: 'active',
    createdAt: at,
    updatedAt: at,
    touchCount: 0,
    smsCount: 0,
    recentSends: [],
    sendsVersion: 0,
    zone: 'America/Chicago',
    ...overrides,
  };
}

/** The touch function's settings for a business in Chicago, as the tests of sends use them. */
export const TOUCH_SETTINGS: TouchSettings = {
  unsubscribeBaseUrl: 'https://api.northwind.example/u/',
  replyDomain: 'reply.northwind.example',
  business: { name: 'Northwind Supply', postalAddress: '400 N Wells St, Chicago, IL 60654' },
  owner: { name: 'Sam Rivera', firstName: 'Sam', email: 'sam@northwind.example', signature: 'Sam Rivera' },
  frequencyCap: { count: 3, days: 7 },
  defaultTimeZone: 'America/Chicago',
};

/** What a deployed stack would give `settingsFromConfig`: its resources' names, as a test account has them. */
export const TEST_OUTPUTS: StackOutputs = {
  tableName: 'followup-test',
  stateMachineArnTemplate: ARN_TEMPLATE,
  cadencesDir: '/var/task/cadences',
  templatesDir: '/var/task/templates',
  unsubscribeSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:unsubscribe',
  shopWebhookSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-webhook',
  inboundBucket: 'followup-inbound-test',
  inboundPrefix: 'inbound/',
  apiUrl: 'https://api.northwind.example',
};
