import { fileURLToPath } from 'node:url';
import { IANAZone } from 'luxon';
import * as z from 'zod';
import { type FrequencyCap, parseFrequencyCap } from '../domain/frequency-cap.ts';

/*
 * The environment each function reads, validated once at cold start. A bad or missing variable stops the function
 * with one message naming every variable at fault and what it should hold; the stack sets them all.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export class EnvInvalid extends Error {
  override readonly name = 'EnvInvalid';
}

/** Unset and empty are the same for a variable. */
const unsetIfEmpty = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const required = (what: string) =>
  z.preprocess(
    unsetIfEmpty,
    z.string({ error: `is not set; it holds ${what}` }).transform((v) => v.trim()),
  );
const optional = (what: string) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .string({ error: `must hold ${what}` })
      .transform((v) => v.trim())
      .optional(),
  );
const list = (what: string) =>
  optional(what).transform((v) =>
    v
      ?.split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );
const zone = required('an IANA time zone, e.g. America/Chicago').refine((v) => IANAZone.isValidZone(v), {
  error: 'is not an IANA time zone; use e.g. America/Chicago',
});
const email = (what: string) =>
  required(what).refine((v) => /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(v), {
    error: 'is not an email address; use e.g. sam@northwind.example',
  });

const FIELDS = {
  TABLE_NAME: required('the DynamoDB table name'),
  STATE_MACHINE_ARN_TEMPLATE: required('the state machine ARN with "{cadence}" for the cadence id').refine(
    (v) => v.includes('{cadence}'),
    {
      error:
        'must contain "{cadence}", e.g. arn:aws:states:us-east-1:123456789012:stateMachine:Followup-{cadence}:live',
    },
  ),
  CADENCES_DIR: optional('the folder of cadence files').transform((v) => v ?? `${REPO}cadences`),
  TEMPLATES_DIR: optional('the folder of templates').transform((v) => v ?? `${REPO}templates`),
  ALLOWED_CADENCES: list('a comma-separated list of cadence ids'),
  DEFAULT_CADENCE: optional('a cadence id').transform((v) => v ?? 'web-inquiry'),
  DEFAULT_TIME_ZONE: zone,
  ALLOWED_ORIGINS: list('a comma-separated list of origins, e.g. https://www.acme.com').refine(
    (origins) => (origins ?? []).every((o) => URL.canParse(o) && new URL(o).origin === o),
    { error: 'must list origins only (scheme and host, no path), e.g. https://www.acme.com' },
  ),
  SENDER_EMAIL: required('the From address, e.g. "Sam at Northwind <sam@northwind.example>"').refine(
    (v) => /^[\x20-\x7e]+$/.test(v),
    {
      error:
        'must be 7-bit ASCII on one line: SES refuses a raw non-ASCII name; build it with formatMailbox (RFC 2047), as businessEnvironment does',
    },
  ),
  CONFIGURATION_SET: optional('the SES configuration set name'),
  REPLY_DOMAIN: required('the domain that receives replies, e.g. reply.northwind.example').refine(
    (v) => /^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(v),
    { error: 'is not a domain; use e.g. reply.northwind.example' },
  ),
  // https in production; plain http only on loopback, where the local runtime serves it.
  UNSUBSCRIBE_BASE_URL: required('the https URL unsubscribe tokens are appended to').refine(
    (v) => /^(https:\/\/[^\s]+|http:\/\/(127\.0\.0\.1|localhost)(:[0-9]+)?)\/u\/$/.test(v),
    {
      error: 'must be an https URL ending in "/u/", e.g. https://abc.execute-api.us-east-1.amazonaws.com/u/',
    },
  ),
  UNSUBSCRIBE_SECRET_ARN: required('the ARN of the Secrets Manager secret that signs unsubscribe tokens'),
  BUSINESS_NAME: required('the business name leads know'),
  POSTAL_ADDRESS: required('the postal address every marketing email carries'),
  BUSINESS_WEBSITE: optional('the https address of the business website'),
  OWNER_NAME: required("the lead owner's name"),
  OWNER_EMAIL: email("the lead owner's email address"),
  OWNER_PHONE: optional("the lead owner's phone number"),
  FREQUENCY_CAP: optional('a cap such as "3 per 7 days"').transform((v, ctx): FrequencyCap => {
    const cap = parseFrequencyCap(v ?? '3 per 7 days');
    if (cap) return cap;
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a cap; use e.g. "3 per 7 days"` });
    return z.NEVER;
  }),
  SMS_ORIGINATION_NUMBER: optional('an E.164 number, e.g. +12175550100').refine(
    (v) => v === undefined || /^\+[1-9][0-9]{6,14}$/.test(v),
    { error: 'is not an E.164 number; use e.g. +12175550100' },
  ),
  SMS_OPT_OUTS: z.preprocess(
    unsetIfEmpty,
    z
      .enum(['aws', 'self'], {
        error:
          'must be "aws" (AWS End User Messaging answers STOP and HELP: SelfManagedOptOutsEnabled false) or "self" (Followup does: SelfManagedOptOutsEnabled true)',
      })
      .default('aws'),
  ),
  DASHBOARD_URL: optional('the http(s) address of the dashboard'),
  API_BASE_URL: optional(
    'the https address of the API, e.g. https://abc.execute-api.us-east-1.amazonaws.com',
  ).refine(
    (v) =>
      v === undefined ||
      /^(https:\/\/[^\s/]+|http:\/\/(127\.0\.0\.1|localhost)(:[0-9]+)?)(\/[^\s]*)?$/.test(v),
    { error: 'must be an https URL, e.g. https://abc.execute-api.us-east-1.amazonaws.com' },
  ),
  FALLBACK_EMAIL: optional('the address that gets replies matching no lead').refine(
    (v) => v === undefined || /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(v),
    { error: 'is not an email address; use e.g. sales@northwind.example' },
  ),
  INBOUND_BUCKET: required('the S3 bucket the SES receipt rule stores received mail in'),
  INBOUND_PREFIX: optional('the key prefix of received mail in the bucket, e.g. "inbound/"').transform(
    (v) => v ?? '',
  ),
  SHOP_WEBHOOK_SECRET_ARN: required('the ARN of the Secrets Manager secret that signs shop webhooks'),
  POWERTOOLS_SERVICE_NAME: optional('the service name in logs').transform((v) => v ?? 'followup'),
};

type Field = keyof typeof FIELDS;
type Values<K extends Field> = { readonly [P in K]: z.output<(typeof FIELDS)[P]> };

function read<K extends Field>(keys: readonly K[], env: NodeJS.ProcessEnv): Values<K> {
  const shape = Object.fromEntries(keys.map((k) => [k, FIELDS[k]])) as Pick<typeof FIELDS, K>;
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data as Values<K>;
  const problems = result.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`);
  throw new EnvInvalid(`environment variable ${problems.join('; ')}`);
}

const COMMON = ['TABLE_NAME', 'CADENCES_DIR', 'DEFAULT_TIME_ZONE', 'POWERTOOLS_SERVICE_NAME'] as const;
const ENROLL = [...COMMON, 'STATE_MACHINE_ARN_TEMPLATE'] as const;

export const intakeEnv = (env: NodeJS.ProcessEnv = process.env) =>
  read([...ENROLL, 'ALLOWED_CADENCES', 'DEFAULT_CADENCE', 'ALLOWED_ORIGINS'], env);

export const completeEnv = (env: NodeJS.ProcessEnv = process.env) => read(ENROLL, env);

export const touchEnv = (env: NodeJS.ProcessEnv = process.env) =>
  read(
    [
      ...COMMON,
      'TEMPLATES_DIR',
      'SENDER_EMAIL',
      'CONFIGURATION_SET',
      'REPLY_DOMAIN',
      'UNSUBSCRIBE_BASE_URL',
      'UNSUBSCRIBE_SECRET_ARN',
      'BUSINESS_NAME',
      'POSTAL_ADDRESS',
      'BUSINESS_WEBSITE',
      'OWNER_NAME',
      'OWNER_EMAIL',
      'OWNER_PHONE',
      'FREQUENCY_CAP',
      'SMS_ORIGINATION_NUMBER',
      'DASHBOARD_URL',
      'API_BASE_URL',
    ],
    env,
  );

export const inboundEmailEnv = (env: NodeJS.ProcessEnv = process.env) =>
  read(
    [
      ...ENROLL,
      'SENDER_EMAIL',
      'UNSUBSCRIBE_SECRET_ARN',
      'OWNER_EMAIL',
      'FALLBACK_EMAIL',
      'INBOUND_BUCKET',
      'INBOUND_PREFIX',
    ],
    env,
  );

export const sesEventsEnv = (env: NodeJS.ProcessEnv = process.env) => read(ENROLL, env);

export const unsubscribeEnv = (env: NodeJS.ProcessEnv = process.env) =>
  read([...ENROLL, 'UNSUBSCRIBE_SECRET_ARN', 'BUSINESS_NAME'], env);

export const smsInboundEnv = (env: NodeJS.ProcessEnv = process.env) =>
  read(
    [
      ...ENROLL,
      'SENDER_EMAIL',
      'BUSINESS_NAME',
      'OWNER_EMAIL',
      'OWNER_PHONE',
      'FALLBACK_EMAIL',
      'SMS_ORIGINATION_NUMBER',
      'SMS_OPT_OUTS',
    ],
    env,
  );

export const outcomeEnv = (env: NodeJS.ProcessEnv = process.env) =>
  read([...ENROLL, 'UNSUBSCRIBE_SECRET_ARN', 'BUSINESS_NAME'], env);

export const shopEventsEnv = (env: NodeJS.ProcessEnv = process.env) => read(ENROLL, env);

export const enrollmentSweeperEnv = (env: NodeJS.ProcessEnv = process.env) => read(ENROLL, env);

export const shopWebhookEnv = (env: NodeJS.ProcessEnv = process.env) =>
  read([...ENROLL, 'SHOP_WEBHOOK_SECRET_ARN'], env);

export type IntakeEnv = ReturnType<typeof intakeEnv>;
export type CompleteEnv = ReturnType<typeof completeEnv>;
export type TouchEnv = ReturnType<typeof touchEnv>;
