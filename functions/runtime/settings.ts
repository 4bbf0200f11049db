import { fileURLToPath } from 'node:url';
import { ConfigInvalid, type FollowupConfig, replySettings, SendingConfigSchema } from '../core/config.ts';
import { formatMailbox } from '../core/mailbox.ts';
import * as z from '../core/zod.ts';
import { isTimeZone } from '../core/zoned.ts';
import { parseFrequencyCap } from '../domain/frequency-cap.ts';
import { repsOf } from '../domain/owners.ts';

/*
 * Everything the engine's functions are configured with, as typed values (docs/architecture.md §1.1). One
 * `settingsFromConfig` builds it from followup.config.json and the stack's outputs, for the stack (CDK tokens) and
 * the local runtime (local names) alike; functions/runtime/env.ts carries it through each function's environment.
 * Each message reads after the name of what is wrong, a setting or an environment variable.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The Powertools service name of every function: its logs' `service` and its metrics' `service` dimension. */
export const SERVICE_NAME = 'followup';

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

const text = (what: string) => z.string({ error: `is not set; it holds ${what}` });
const optionalText = (what: string) => z.optional(z.string({ error: `must hold ${what}` }));
const zone = text('an IANA time zone, e.g. America/Chicago').check(
  z.refine((v) => isTimeZone(v), {
    error: 'is not an IANA time zone; use e.g. America/Chicago',
  }),
);
const origins = z._default(
  z
    .array(z.string({ error: 'must list origins, e.g. https://www.acme.com' }), {
      error: 'must hold a comma-separated list of origins, e.g. https://www.acme.com',
    })
    .check(
      z.refine((list) => list.every((o) => URL.canParse(o) && new URL(o).origin === o), {
        error: 'must list origins only (scheme and host, no path), e.g. https://www.acme.com',
      }),
    ),
  [],
);

export const FrequencyCapSchema = z.object(
  { count: z.number().check(z.int(), z.gte(1)), days: z.number().check(z.int(), z.gte(1)) },
  { error: (issue) => `${JSON.stringify(issue.input)} is not a cap; use e.g. "3 per 7 days"` },
);

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const SettingsSchema = z.object({
  tableName: text('the DynamoDB table name'),
  stateMachineArnTemplate: text('the state machine ARN with "{cadence}" for the cadence id').check(
    z.refine((v) => v.includes('{cadence}'), {
      error:
        'must contain "{cadence}", e.g. arn:aws:states:us-east-1:123456789012:stateMachine:Followup-{cadence}:live',
    }),
  ),
  cadencesDir: z._default(optionalText('the folder of cadence files'), `${REPO}cadences`),
  templatesDir: z._default(optionalText('the folder of templates'), `${REPO}templates`),
  /** The cadences a form may start; unset: every cadence. */
  allowedCadences: z.optional(
    z.array(z.string(), { error: 'must hold a comma-separated list of cadence ids' }),
  ),
  defaultCadence: z._default(optionalText('a cadence id'), 'web-inquiry'),
  defaultTimeZone: zone,
  allowedOrigins: origins,
  senderEmail: text('the From address, e.g. "Sam at Northwind <sam@northwind.example>"').check(
    z.refine((v) => /^[\x20-\x7e]+$/.test(v), {
      error:
        'must be 7-bit ASCII on one line: SES refuses a raw non-ASCII name; build it with formatMailbox (RFC 2047), as settingsFromConfig does',
    }),
  ),
  configurationSet: optionalText('the SES configuration set name'),
  replyDomain: text('the domain that receives replies, e.g. reply.northwind.example').check(
    z.refine((v) => /^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(v), {
      error: 'is not a domain; use e.g. reply.northwind.example',
    }),
  ),
  // https in production; plain http only on loopback, where the local runtime serves it.
  unsubscribeBaseUrl: text('the https URL unsubscribe tokens are appended to').check(
    z.refine((v) => /^(https:\/\/[^\s]+|http:\/\/(127\.0\.0\.1|localhost)(:[0-9]+)?)\/u\/$/.test(v), {
      error: 'must be an https URL ending in "/u/", e.g. https://abc.execute-api.us-east-1.amazonaws.com/u/',
    }),
  ),
  unsubscribeSecretArn: text('the ARN of the Secrets Manager secret that signs unsubscribe tokens'),
  businessName: text('the business name leads know'),
  postalAddress: text('the postal address every marketing email carries'),
  businessWebsite: optionalText('the https address of the business website'),
  ownerName: text("the lead owner's name"),
  ownerEmail: text("the lead owner's email address").check(
    z.refine((v) => EMAIL.test(v), {
      error: 'is not an email address; use e.g. sam@northwind.example',
    }),
  ),
  ownerPhone: optionalText("the lead owner's phone number"),
  frequencyCap: z._default(FrequencyCapSchema, { count: 3, days: 7 }),
  smsOriginationNumber: optionalText('an E.164 number, e.g. +12175550100').check(
    z.refine((v) => v === undefined || /^\+[1-9][0-9]{6,14}$/.test(v), {
      error: 'is not an E.164 number; use e.g. +12175550100',
    }),
  ),
  smsOptOuts: z._default(
    z.enum(['aws', 'self'], {
      error:
        'must be "aws" (AWS End User Messaging answers STOP and HELP: SelfManagedOptOutsEnabled false) or "self" (Followup does: SelfManagedOptOutsEnabled true)',
    }),
    'aws',
  ),
  dashboardUrl: optionalText('the http(s) address of the dashboard'),
  apiBaseUrl: optionalText(
    'the https address of the API, e.g. https://abc.execute-api.us-east-1.amazonaws.com',
  ).check(
    z.refine(
      (v) =>
        v === undefined ||
        /^(https:\/\/[^\s/]+|http:\/\/(127\.0\.0\.1|localhost)(:[0-9]+)?)(\/[^\s]*)?$/.test(v),
      { error: 'must be an https URL, e.g. https://abc.execute-api.us-east-1.amazonaws.com' },
    ),
  ),
  fallbackEmail: optionalText('the address that gets replies matching no lead').check(
    z.refine((v) => v === undefined || EMAIL.test(v), {
      error: 'is not an email address; use e.g. sales@northwind.example',
    }),
  ),
  inboundBucket: text('the S3 bucket the SES receipt rule stores received mail in'),
  inboundPrefix: z._default(
    optionalText('the key prefix of received mail in the bucket, e.g. "inbound/"'),
    '',
  ),
  /** Set by the stack on the mail parser only; locally the reader runs in the same process. */
  readReplyFunction: optionalText('the name of the function that reads parsed replies (ReadReply)'),
  shopWebhookSecretArn: text('the ARN of the Secrets Manager secret that signs shop webhooks'),
  serviceName: z._default(optionalText('the service name in logs'), SERVICE_NAME),
  /** Unset: Powertools' own default (INFO, or what Lambda's log-level control says). */
  logLevel: z.optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })),
  /** What a reply's reading starts (#14): the default snooze, the referral and re-engage cadences. */
  snoozeDays: z.optional(
    z.coerce.number({ error: 'must be a whole number of days, e.g. 90' }).check(z.int(), z.gte(1)),
  ),
  referralCadence: optionalText('the cadence id a referred person is enrolled in'),
  reengageCadence: optionalText('the cadence id a snoozed lead is enrolled in when the snooze ends'),
  /** The reps of `owners` (#15), defaults filled in; unset: every lead goes to the owner. */
  reps: z.optional(
    z.array(
      z.object({
        name: z.string(),
        email: z.string(),
        phone: z.nullish(z.string()),
        weight: z.number(),
        timeZone: z.string(),
        hours: z.optional(z.object({ days: z.string(), from: z.string(), to: z.string() })),
      }),
      { error: 'must hold the reps as JSON: [{"name", "email", "weight", "timeZone", "hours"?}]' },
    ),
  ),
  /** The `sending` block (#15): the governor's cap, ramp, rate and pause; unset, emails go out ungoverned. */
  sending: z.optional(SendingConfigSchema),
  /** CloudWatch EMF lines; off where nothing reads them (the local runtime). */
  metrics: z._default(z.boolean({ error: 'must be true or false' }), true),
});

export type Settings = z.output<typeof SettingsSchema>;
export type SettingName = keyof Settings;

/**
 * What the deployment itself provides, rather than the config file: resource names and ARNs (CDK tokens in the
 * stack, the local runtime's names on a laptop) and where the code finds its files.
 */
export interface StackOutputs {
  readonly tableName: string;
  readonly stateMachineArnTemplate: string;
  readonly cadencesDir: string;
  readonly templatesDir: string;
  readonly unsubscribeSecretArn: string;
  readonly shopWebhookSecretArn: string;
  readonly inboundBucket: string;
  readonly inboundPrefix: string;
  /** The HTTP API's base URL: unsubscribe and outcome links point under it. */
  readonly apiUrl: string;
  readonly configurationSet?: string;
  readonly dashboardUrl?: string;
}

/** Names the first settings problem after its setting, as a config problem: synth and the runtime stop on it. */
export function parseSettings(raw: z.input<typeof SettingsSchema>, source: string): Settings {
  const result = SettingsSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
  throw new ConfigInvalid(`${source} gives settings that are not valid:\n  ${problems.join('\n  ')}`);
}

/** The one way from the config file and the deployment's outputs to the functions' settings. */
export function settingsFromConfig(config: FollowupConfig, outputs: StackOutputs): Settings {
  const frequencyCap = parseFrequencyCap(config.frequencyCap);
  if (!frequencyCap) {
    throw new ConfigInvalid(`frequencyCap: "${config.frequencyCap}" is not a cap; use e.g. "3 per 7 days"`);
  }
  return parseSettings(
    {
      tableName: outputs.tableName,
      stateMachineArnTemplate: outputs.stateMachineArnTemplate,
      cadencesDir: outputs.cadencesDir,
      templatesDir: outputs.templatesDir,
      allowedCadences: [...config.formCadences],
      defaultCadence: config.defaultCadence,
      defaultTimeZone: config.defaultTimeZone,
      allowedOrigins: [...config.allowedOrigins],
      senderEmail: formatMailbox(config.sender.name, config.sender.email),
      ...(outputs.configurationSet ? { configurationSet: outputs.configurationSet } : {}),
      replyDomain: config.replyDomain,
      unsubscribeBaseUrl: `${outputs.apiUrl}/u/`,
      unsubscribeSecretArn: outputs.unsubscribeSecretArn,
      businessName: config.business.name,
      postalAddress: config.business.postalAddress,
      businessWebsite: config.business.website,
      ownerName: config.owner.name,
      ownerEmail: config.owner.email,
      ...(config.owner.phone ? { ownerPhone: config.owner.phone } : {}),
      frequencyCap,
      ...(config.sms.originationNumber ? { smsOriginationNumber: config.sms.originationNumber } : {}),
      smsOptOuts: config.sms.optOuts,
      ...(outputs.dashboardUrl ? { dashboardUrl: outputs.dashboardUrl } : {}),
      // Signed outcome links in the reps' task emails point here.
      apiBaseUrl: outputs.apiUrl,
      fallbackEmail: config.owner.email,
      inboundBucket: outputs.inboundBucket,
      inboundPrefix: outputs.inboundPrefix,
      shopWebhookSecretArn: outputs.shopWebhookSecretArn,
      ...replySettings(config),
      ...(config.owners ? { reps: [...repsOf(config)] } : {}),
      ...(config.sending ? { sending: config.sending } : {}),
    },
    'followup.config.json',
  );
}
