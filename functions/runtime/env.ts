import * as z from '../core/zod.ts';
import { type FrequencyCap, parseFrequencyCap } from '../domain/frequency-cap.ts';
import { type SettingName, type Settings, SettingsSchema } from './settings.ts';

/*
 * The one place environment variable names are spelled (docs/architecture.md §1.1). Each function has a reader,
 * its slice of Settings over the environment, validated once at cold start: a bad or missing variable stops the
 * function with one message naming every variable at fault and what it should hold. `environmentFor` is the
 * writer the stack sets each function's variables with, so the two cannot drift (test/infra checks they agree).
 */

export class EnvInvalid extends Error {
  override readonly name = 'EnvInvalid';
}

export type Environment = Readonly<Record<string, string | undefined>>;

const VARIABLES = {
  tableName: 'TABLE_NAME',
  stateMachineArnTemplate: 'STATE_MACHINE_ARN_TEMPLATE',
  cadencesDir: 'CADENCES_DIR',
  templatesDir: 'TEMPLATES_DIR',
  allowedCadences: 'ALLOWED_CADENCES',
  defaultCadence: 'DEFAULT_CADENCE',
  defaultTimeZone: 'DEFAULT_TIME_ZONE',
  allowedOrigins: 'ALLOWED_ORIGINS',
  senderEmail: 'SENDER_EMAIL',
  configurationSet: 'CONFIGURATION_SET',
  replyDomain: 'REPLY_DOMAIN',
  unsubscribeBaseUrl: 'UNSUBSCRIBE_BASE_URL',
  unsubscribeSecretArn: 'UNSUBSCRIBE_SECRET_ARN',
  businessName: 'BUSINESS_NAME',
  postalAddress: 'POSTAL_ADDRESS',
  businessWebsite: 'BUSINESS_WEBSITE',
  ownerName: 'OWNER_NAME',
  ownerEmail: 'OWNER_EMAIL',
  ownerPhone: 'OWNER_PHONE',
  frequencyCap: 'FREQUENCY_CAP',
  smsOriginationNumber: 'SMS_ORIGINATION_NUMBER',
  smsOptOuts: 'SMS_OPT_OUTS',
  dashboardUrl: 'DASHBOARD_URL',
  apiBaseUrl: 'API_BASE_URL',
  fallbackEmail: 'FALLBACK_EMAIL',
  inboundBucket: 'INBOUND_BUCKET',
  inboundPrefix: 'INBOUND_PREFIX',
  readReplyFunction: 'READ_REPLY_FUNCTION',
  shopWebhookSecretArn: 'SHOP_WEBHOOK_SECRET_ARN',
  snoozeDays: 'REPLY_SNOOZE_DAYS',
  referralCadence: 'REFERRAL_CADENCE',
  reengageCadence: 'REENGAGE_CADENCE',
  reps: 'OWNERS',
  sending: 'SENDING_POLICY',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  // Powertools reads the same variable; the engine also swaps in a sink that writes nothing.
  metrics: 'POWERTOOLS_METRICS_DISABLED',
} as const satisfies Record<SettingName, string>;

export type VariableName = (typeof VARIABLES)[SettingName];

/** The environment variable a setting travels in. */
export const variableOf = (setting: SettingName): VariableName => VARIABLES[setting];

const LISTS = new Set<SettingName>(['allowedCadences', 'allowedOrigins']);
/** Settings that travel as JSON: the reps of `owners`, the `sending` block. */
const JSON_SETTINGS = new Set<SettingName>(['reps', 'sending']);

/** The variable's text as the setting's value; unset and empty are the same for a variable. */
function fromVariable(name: SettingName, raw: string | undefined): unknown {
  const value = raw?.trim();
  if (value === undefined || value === '') return undefined;
  if (LISTS.has(name)) {
    return value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }
  if (name === 'frequencyCap') return parseFrequencyCap(value) ?? value;
  if (JSON_SETTINGS.has(name)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (name === 'logLevel') return value.toUpperCase();
  if (name === 'metrics') return !/^(true|1)$/i.test(value);
  return value;
}

/** The setting's value as the variable's text; undefined leaves the variable unset. */
function toVariable(name: SettingName, value: Settings[SettingName]): string | undefined {
  if (value === undefined) return undefined;
  if (JSON_SETTINGS.has(name)) return JSON.stringify(value);
  if (Array.isArray(value)) return value.join(',');
  if (name === 'frequencyCap') {
    const cap = value as FrequencyCap;
    return `${cap.count} per ${cap.days} days`;
  }
  if (name === 'metrics') return value === false ? 'true' : undefined;
  return String(value);
}

const COMMON = ['tableName', 'cadencesDir', 'defaultTimeZone', 'serviceName', 'logLevel', 'metrics'] as const;
const ENROLL = [...COMMON, 'stateMachineArnTemplate', 'reps'] as const;
/** What a reply's reading starts (#14). */
const REPLIES = ['snoozeDays', 'referralCadence', 'reengageCadence'] as const;

/** What each function reads, by its construct id in the stack. */
const FUNCTIONS = {
  Intake: [...ENROLL, 'allowedCadences', 'defaultCadence', 'allowedOrigins'],
  Complete: ENROLL,
  Touch: [
    ...COMMON,
    'templatesDir',
    'senderEmail',
    'configurationSet',
    'replyDomain',
    'unsubscribeBaseUrl',
    'unsubscribeSecretArn',
    'businessName',
    'postalAddress',
    'businessWebsite',
    'ownerName',
    'ownerEmail',
    'ownerPhone',
    'frequencyCap',
    'smsOriginationNumber',
    'dashboardUrl',
    'apiBaseUrl',
    'sending',
  ],
  // The mail parser: the bucket it reads and the reader it hands each reply to, nothing else (docs/architecture.md §4.1).
  InboundEmail: ['serviceName', 'logLevel', 'inboundBucket', 'inboundPrefix', 'readReplyFunction'],
  ReadReply: [
    ...ENROLL,
    'senderEmail',
    'unsubscribeSecretArn',
    'ownerEmail',
    'fallbackEmail',
    'apiBaseUrl',
    ...REPLIES,
  ],
  SesEvents: [...ENROLL, 'sending'],
  Unsubscribe: [...ENROLL, 'unsubscribeSecretArn', 'businessName'],
  // A person's text goes to the reader (ReadReply), which reads it with the reply settings (docs/architecture.md §4.1).
  SmsInbound: [
    ...ENROLL,
    'senderEmail',
    'businessName',
    'ownerEmail',
    'ownerPhone',
    'fallbackEmail',
    'smsOriginationNumber',
    'smsOptOuts',
    'readReplyFunction',
  ],
  Outcome: [...ENROLL, 'unsubscribeSecretArn', 'businessName', ...REPLIES],
  ShopEvents: ENROLL,
  ShopWebhook: [...ENROLL, 'shopWebhookSecretArn'],
  EnrollmentSweeper: [
    ...ENROLL,
    'senderEmail',
    'ownerName',
    'ownerEmail',
    'ownerPhone',
    'smsOriginationNumber',
    'dashboardUrl',
  ],
} as const satisfies Record<string, readonly SettingName[]>;

export type FunctionName = keyof typeof FUNCTIONS;
export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];
/** The variables a function reads. */
export const variablesOf = (functionName: FunctionName): VariableName[] =>
  (FUNCTIONS[functionName] as readonly SettingName[]).map(variableOf);
/** The settings a function reads. */
export type SettingsOf<F extends FunctionName> = Pick<Settings, (typeof FUNCTIONS)[F][number]>;

/** A function's settings from its environment (the process's, on Lambda), or EnvInvalid naming every bad variable. */
export function readEnvironment<F extends FunctionName>(functionName: F, env: Environment): SettingsOf<F> {
  const names: readonly SettingName[] = FUNCTIONS[functionName];
  const mask = Object.fromEntries(names.map((name) => [name, true])) as { [K in SettingName]?: true };
  const raw = Object.fromEntries(names.map((name) => [name, fromVariable(name, env[VARIABLES[name]])]));
  const result = z.pick(SettingsSchema, mask).safeParse(raw);
  if (result.success) return result.data as SettingsOf<F>;
  const problems = result.error.issues.map((issue) => {
    const setting = issue.path[0] as SettingName;
    return `${VARIABLES[setting] ?? String(setting)} ${issue.message}`;
  });
  throw new EnvInvalid(`environment variable ${problems.join('; ')}`);
}

/** The variables the stack sets on a function: exactly what its reader reads, from the settings. */
export function environmentFor(functionName: FunctionName, settings: Settings): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const name of FUNCTIONS[functionName] as readonly SettingName[]) {
    const value = toVariable(name, settings[name]);
    if (value !== undefined) environment[VARIABLES[name]] = value;
  }
  return environment;
}

export const intakeEnv = (env: Environment) => readEnvironment('Intake', env);
export const completeEnv = (env: Environment) => readEnvironment('Complete', env);
export const touchEnv = (env: Environment) => readEnvironment('Touch', env);
/**
 * The settings of a function that hands replies to the reader: the reader's name is optional among the settings
 * (the local runtime invokes it in process), not here.
 */
function withReader<S extends { readonly readReplyFunction?: string | undefined }>(
  settings: S,
  what: string,
) {
  const { readReplyFunction } = settings;
  if (!readReplyFunction) {
    throw new EnvInvalid(
      `environment variable ${VARIABLES.readReplyFunction} is not set: it names the function that reads each ${what} (ReadReply)`,
    );
  }
  return { ...settings, readReplyFunction };
}
export const inboundEmailEnv = (env: Environment) =>
  withReader(readEnvironment('InboundEmail', env), 'parsed reply');
export const readReplyEnv = (env: Environment) => readEnvironment('ReadReply', env);
export const sesEventsEnv = (env: Environment) => readEnvironment('SesEvents', env);
export const unsubscribeEnv = (env: Environment) => readEnvironment('Unsubscribe', env);
export const smsInboundEnv = (env: Environment) =>
  withReader(readEnvironment('SmsInbound', env), "person's text");
export const outcomeEnv = (env: Environment) => readEnvironment('Outcome', env);
export const shopEventsEnv = (env: Environment) => readEnvironment('ShopEvents', env);
export const shopWebhookEnv = (env: Environment) => readEnvironment('ShopWebhook', env);
export const enrollmentSweeperEnv = (env: Environment) => readEnvironment('EnrollmentSweeper', env);
