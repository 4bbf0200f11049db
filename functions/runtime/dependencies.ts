import { CadenceDirectory } from '../adapters/cadence-catalog.ts';
import { DynamoLeadStore } from '../adapters/dynamo/lead-store.ts';
import { DynamoAggregates } from '../adapters/dynamo-aggregates.ts';
import { S3RawMailStore } from '../adapters/s3-raw-mail-store.ts';
import { SecretsManagerSecrets } from '../adapters/secrets-manager.ts';
import { SesMailer } from '../adapters/ses-mailer.ts';
import { SfnExecutions } from '../adapters/sfn-executions.ts';
import { SnsOptOutList } from '../adapters/sns-opt-out-list.ts';
import { SnsSmsSender } from '../adapters/sns-sms-sender.ts';
import { loadTemplate } from '../adapters/template-files.ts';
import type { EnrollDeps } from '../domain/enroll.ts';
import type { SweepDeps } from '../domain/enrollment-retry.ts';
import type { MeasureDeps } from '../domain/metrics.ts';
import type { Logger } from '../domain/ports.ts';
import type { SignalDeps } from '../domain/signals.ts';
import type { TouchDeps } from '../domain/touch.ts';
import type { InboundEmailHandlerDeps } from '../handlers/inbound-email.ts';
import type { IntakeDeps } from '../handlers/intake.ts';
import type { OutcomeDeps } from '../handlers/outcome.ts';
import type { ShopWebhookDeps } from '../handlers/shop-webhook.ts';
import type { SmsInboundDeps } from '../handlers/sms-inbound.ts';
import type { UnsubscribeDeps } from '../handlers/unsubscribe.ts';
import type { AwsClients } from './clients.ts';
import type { SettingsOf } from './env.ts';
import { createLogger } from './logger.ts';
import { createMetricSink, noMetrics } from './metrics.ts';
import type { Settings } from './settings.ts';

/*
 * Each function's dependencies, from its slice of Settings and a set of clients: once per cold start on Lambda
 * (functions/entry/), per engine in the local runtime. Nothing here is global, so engines in one process share
 * nothing (docs/architecture.md §1.1).
 */

type Observed = Pick<Settings, 'serviceName' | 'logLevel' | 'metrics'>;
type Enrolling = Pick<Settings, 'tableName' | 'stateMachineArnTemplate' | 'cadencesDir' | 'defaultTimeZone'>;

const loggerFor = (settings: Observed): Logger => createLogger(settings.serviceName, settings.logLevel);
const metricsFor = (settings: Observed) =>
  settings.metrics ? createMetricSink(settings.serviceName) : noMetrics;

/** Calls `load` once; a failure is not kept, so the next invocation tries again. */
export function memoize<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/** The report's counters in the table and the CloudWatch business metrics, for the touch and the signals. */
function measures(
  settings: Observed & Pick<Settings, 'tableName'>,
  clients: AwsClients,
): Required<Omit<MeasureDeps, 'logger'>> {
  return {
    aggregates: new DynamoAggregates({ client: clients.documents, tableName: settings.tableName }),
    metrics: metricsFor(settings),
  };
}

function enrollDependencies(
  settings: Enrolling & Observed,
  clients: AwsClients,
): EnrollDeps & { logger: Logger } {
  return {
    store: new DynamoLeadStore({ client: clients.documents, tableName: settings.tableName }),
    executions: new SfnExecutions({
      client: clients.sfn,
      stateMachineArnTemplate: settings.stateMachineArnTemplate,
    }),
    cadences: new CadenceDirectory(settings.cadencesDir),
    defaultTimeZone: settings.defaultTimeZone,
    logger: loggerFor(settings),
  };
}

export function intakeDependencies(settings: SettingsOf<'Intake'>, clients: AwsClients): IntakeDeps {
  const base = enrollDependencies(settings, clients);
  const allowed = settings.allowedCadences;
  return {
    ...base,
    allowedCadences: allowed ? async () => allowed : () => base.cadences.ids(),
    defaultCadence: settings.defaultCadence,
    allowedOrigins: settings.allowedOrigins,
  };
}

export function completeDependencies(
  settings: SettingsOf<'Complete'>,
  clients: AwsClients,
): EnrollDeps & { logger: Logger } {
  return enrollDependencies(settings, clients);
}

/** The scheduled sweeper retries failed starts: what enrollment needs, and the metric its alarm watches. */
export function enrollmentSweeperDependencies(
  settings: SettingsOf<'EnrollmentSweeper'>,
  clients: AwsClients,
): SweepDeps {
  return { ...enrollDependencies(settings, clients), metrics: metricsFor(settings) };
}

/** What a touch says and signs with: the business, the owner and the links, from the Touch function's settings. */
export function touchSettings(settings: SettingsOf<'Touch'>): TouchDeps['settings'] {
  const { ownerName, ownerPhone, businessName } = settings;
  return {
    unsubscribeBaseUrl: settings.unsubscribeBaseUrl,
    replyDomain: settings.replyDomain,
    business: {
      name: businessName,
      postalAddress: settings.postalAddress,
      ...(settings.businessWebsite ? { website: settings.businessWebsite } : {}),
    },
    owner: {
      name: ownerName,
      firstName: ownerName.split(/\s+/)[0] ?? ownerName,
      email: settings.ownerEmail,
      ...(ownerPhone ? { phone: ownerPhone } : {}),
      signature: [ownerName, [businessName, ownerPhone].filter(Boolean).join(' · ')].join('\n'),
    },
    frequencyCap: settings.frequencyCap,
    defaultTimeZone: settings.defaultTimeZone,
    ...(settings.dashboardUrl ? { dashboardUrl: settings.dashboardUrl } : {}),
    ...(settings.apiBaseUrl ? { apiBaseUrl: settings.apiBaseUrl } : {}),
  };
}

export function touchDependencies(settings: SettingsOf<'Touch'>, clients: AwsClients): TouchDeps {
  const secrets = new SecretsManagerSecrets(clients.secrets);
  return {
    store: new DynamoLeadStore({ client: clients.documents, tableName: settings.tableName }),
    mailer: new SesMailer({
      client: clients.ses,
      from: settings.senderEmail,
      ...(settings.configurationSet ? { configurationSet: settings.configurationSet } : {}),
    }),
    sms: new SnsSmsSender({
      client: clients.sns,
      ...(settings.smsOriginationNumber ? { originationNumber: settings.smsOriginationNumber } : {}),
    }),
    cadences: new CadenceDirectory(settings.cadencesDir),
    templates: (name) => loadTemplate(settings.templatesDir, name),
    signingKey: memoize(() => secrets.get(settings.unsubscribeSecretArn)),
    settings: touchSettings(settings),
    logger: loggerFor(settings),
    ...measures(settings, clients),
  };
}

/*
 * The signal functions (docs/architecture.md §4). Each writes the table, then stops executions; those that may
 * snooze a lead also start the re-engage cadence.
 */

/** Signals need what enrollment needs: the table, the executions (stop, and start for re-engage), the cadences. */
function signalDependencies(settings: Enrolling & Observed, clients: AwsClients): SignalDeps {
  return { ...enrollDependencies(settings, clients), ...measures(settings, clients) };
}

/** The signing key of unsubscribe and reply tokens and outcome links, read once per cold start. */
function signingKey(secretArn: string, clients: AwsClients) {
  const secrets = new SecretsManagerSecrets(clients.secrets);
  return memoize(() => secrets.get(secretArn));
}

/** Forwards to people of ours go out without the configuration set: their bounces are not a lead's. */
const forwardMailer = (senderEmail: string, clients: AwsClients) =>
  new SesMailer({ client: clients.ses, from: senderEmail });

export function inboundEmailDependencies(
  settings: SettingsOf<'InboundEmail'>,
  clients: AwsClients,
): InboundEmailHandlerDeps {
  return {
    ...signalDependencies(settings, clients),
    mailer: forwardMailer(settings.senderEmail, clients),
    signingKey: signingKey(settings.unsubscribeSecretArn, clients),
    ownerEmail: settings.ownerEmail,
    fallbackEmail: settings.fallbackEmail ?? settings.ownerEmail,
    rawMail: new S3RawMailStore({
      client: clients.s3,
      bucket: settings.inboundBucket,
      prefix: settings.inboundPrefix,
    }),
  };
}

export function sesEventsDependencies(settings: SettingsOf<'SesEvents'>, clients: AwsClients): SignalDeps {
  return signalDependencies(settings, clients);
}

export function unsubscribeDependencies(
  settings: SettingsOf<'Unsubscribe'>,
  clients: AwsClients,
): UnsubscribeDeps {
  return {
    ...signalDependencies(settings, clients),
    signingKey: signingKey(settings.unsubscribeSecretArn, clients),
    businessName: settings.businessName,
  };
}

export function smsInboundDependencies(
  settings: SettingsOf<'SmsInbound'>,
  clients: AwsClients,
): SmsInboundDeps {
  return {
    ...signalDependencies(settings, clients),
    sms: new SnsSmsSender({
      client: clients.sns,
      ...(settings.smsOriginationNumber ? { originationNumber: settings.smsOriginationNumber } : {}),
    }),
    mailer: forwardMailer(settings.senderEmail, clients),
    texts: {
      businessName: settings.businessName,
      ownerEmail: settings.ownerEmail,
      ...(settings.ownerPhone ? { ownerPhone: settings.ownerPhone } : {}),
    },
    optOuts:
      settings.smsOptOuts === 'self'
        ? { mode: 'self' }
        : { mode: 'aws', list: new SnsOptOutList(clients.sns) },
    ownerEmail: settings.ownerEmail,
    fallbackEmail: settings.fallbackEmail ?? settings.ownerEmail,
  };
}

export function outcomeDependencies(settings: SettingsOf<'Outcome'>, clients: AwsClients): OutcomeDeps {
  return {
    ...signalDependencies(settings, clients),
    signingKey: signingKey(settings.unsubscribeSecretArn, clients),
    businessName: settings.businessName,
  };
}

export function shopEventsDependencies(settings: SettingsOf<'ShopEvents'>, clients: AwsClients): SignalDeps {
  return signalDependencies(settings, clients);
}

export function shopWebhookDependencies(
  settings: SettingsOf<'ShopWebhook'>,
  clients: AwsClients,
): ShopWebhookDeps {
  const secrets = new SecretsManagerSecrets(clients.secrets);
  return {
    ...signalDependencies(settings, clients),
    webhookSecret: memoize(() => secrets.get(settings.shopWebhookSecretArn)),
  };
}
