import { CadenceDirectory } from '../adapters/cadence-catalog.ts';
import { DynamoAggregates } from '../adapters/dynamo-aggregates.ts';
import { DynamoLeadStore } from '../adapters/dynamo-lead-store.ts';
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
import { documentClient, s3Client, secretsClient, sesClient, sfnClient, snsClient } from './clients.ts';
import {
  completeEnv,
  enrollmentSweeperEnv,
  inboundEmailEnv,
  intakeEnv,
  outcomeEnv,
  sesEventsEnv,
  shopEventsEnv,
  shopWebhookEnv,
  smsInboundEnv,
  touchEnv,
  unsubscribeEnv,
} from './env.ts';
import { createLogger } from './logger.ts';
import { createMetricSink } from './metrics.ts';

/*
 * Each function's dependencies, built from its environment once per cold start. Tests and the local runtime build
 * their own and hand them to the make…Handler factories.
 */

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
function measures(env: {
  TABLE_NAME: string;
  POWERTOOLS_SERVICE_NAME: string;
}): Required<Omit<MeasureDeps, 'logger'>> {
  return {
    aggregates: new DynamoAggregates({ client: documentClient(), tableName: env.TABLE_NAME }),
    metrics: createMetricSink(env.POWERTOOLS_SERVICE_NAME),
  };
}

function enrollDependencies(
  env: {
    TABLE_NAME: string;
    STATE_MACHINE_ARN_TEMPLATE: string;
    CADENCES_DIR: string;
    DEFAULT_TIME_ZONE: string;
  },
  logger: Logger,
): EnrollDeps & { logger: Logger } {
  return {
    store: new DynamoLeadStore({ client: documentClient(), tableName: env.TABLE_NAME }),
    executions: new SfnExecutions({
      client: sfnClient(),
      stateMachineArnTemplate: env.STATE_MACHINE_ARN_TEMPLATE,
    }),
    cadences: new CadenceDirectory(env.CADENCES_DIR),
    defaultTimeZone: env.DEFAULT_TIME_ZONE,
    logger,
  };
}

export function intakeDependencies(env = intakeEnv()): IntakeDeps {
  const base = enrollDependencies(env, createLogger(env.POWERTOOLS_SERVICE_NAME));
  const allowed = env.ALLOWED_CADENCES;
  return {
    ...base,
    allowedCadences: allowed ? async () => allowed : () => base.cadences.ids(),
    defaultCadence: env.DEFAULT_CADENCE,
    allowedOrigins: env.ALLOWED_ORIGINS ?? [],
  };
}

export function completeDependencies(env = completeEnv()): EnrollDeps & { logger: Logger } {
  return enrollDependencies(env, createLogger(env.POWERTOOLS_SERVICE_NAME));
}

/** The scheduled sweeper retries failed starts: what enrollment needs, and the metric its alarm watches. */
export function enrollmentSweeperDependencies(env = enrollmentSweeperEnv()): SweepDeps {
  return {
    ...enrollDependencies(env, createLogger(env.POWERTOOLS_SERVICE_NAME)),
    metrics: createMetricSink(env.POWERTOOLS_SERVICE_NAME),
  };
}

export function touchDependencies(env = touchEnv()): TouchDeps {
  const secrets = new SecretsManagerSecrets(secretsClient());
  const ownerFirstName = env.OWNER_NAME.split(/\s+/)[0] ?? env.OWNER_NAME;
  return {
    store: new DynamoLeadStore({ client: documentClient(), tableName: env.TABLE_NAME }),
    mailer: new SesMailer({
      client: sesClient(),
      from: env.SENDER_EMAIL,
      ...(env.CONFIGURATION_SET ? { configurationSet: env.CONFIGURATION_SET } : {}),
    }),
    sms: new SnsSmsSender({
      client: snsClient(),
      ...(env.SMS_ORIGINATION_NUMBER ? { originationNumber: env.SMS_ORIGINATION_NUMBER } : {}),
    }),
    cadences: new CadenceDirectory(env.CADENCES_DIR),
    templates: (name) => loadTemplate(env.TEMPLATES_DIR, name),
    signingKey: memoize(() => secrets.get(env.UNSUBSCRIBE_SECRET_ARN)),
    settings: {
      unsubscribeBaseUrl: env.UNSUBSCRIBE_BASE_URL,
      replyDomain: env.REPLY_DOMAIN,
      business: {
        name: env.BUSINESS_NAME,
        postalAddress: env.POSTAL_ADDRESS,
        ...(env.BUSINESS_WEBSITE ? { website: env.BUSINESS_WEBSITE } : {}),
      },
      owner: {
        name: env.OWNER_NAME,
        firstName: ownerFirstName,
        email: env.OWNER_EMAIL,
        ...(env.OWNER_PHONE ? { phone: env.OWNER_PHONE } : {}),
        signature: [env.OWNER_NAME, [env.BUSINESS_NAME, env.OWNER_PHONE].filter(Boolean).join(' · ')].join(
          '\n',
        ),
      },
      frequencyCap: env.FREQUENCY_CAP,
      defaultTimeZone: env.DEFAULT_TIME_ZONE,
      ...(env.DASHBOARD_URL ? { dashboardUrl: env.DASHBOARD_URL } : {}),
      ...(env.API_BASE_URL ? { apiBaseUrl: env.API_BASE_URL } : {}),
    },
    logger: createLogger(env.POWERTOOLS_SERVICE_NAME),
    ...measures(env),
  };
}

/*
 * The signal functions (issue #5). Each writes the table, then stops executions; those that may snooze a lead
 * also start the re-engage cadence.
 */

/** Signals need what enrollment needs: the table, the executions (stop, and start for re-engage), the cadences. */
function signalDependencies(
  env: Parameters<typeof enrollDependencies>[0] & { POWERTOOLS_SERVICE_NAME: string },
): SignalDeps {
  return { ...enrollDependencies(env, createLogger(env.POWERTOOLS_SERVICE_NAME)), ...measures(env) };
}

/** The signing key of unsubscribe and reply tokens and outcome links, read once per cold start. */
function signingKey(secretArn: string) {
  const secrets = new SecretsManagerSecrets(secretsClient());
  return memoize(() => secrets.get(secretArn));
}

/** Forwards to people of ours go out without the configuration set: their bounces are not a lead's. */
const forwardMailer = (senderEmail: string) => new SesMailer({ client: sesClient(), from: senderEmail });

export function inboundEmailDependencies(env = inboundEmailEnv()): InboundEmailHandlerDeps {
  return {
    ...signalDependencies(env),
    mailer: forwardMailer(env.SENDER_EMAIL),
    signingKey: signingKey(env.UNSUBSCRIBE_SECRET_ARN),
    ownerEmail: env.OWNER_EMAIL,
    fallbackEmail: env.FALLBACK_EMAIL ?? env.OWNER_EMAIL,
    rawMail: new S3RawMailStore({
      client: s3Client(),
      bucket: env.INBOUND_BUCKET,
      prefix: env.INBOUND_PREFIX,
    }),
  };
}

export function sesEventsDependencies(env = sesEventsEnv()): SignalDeps {
  return signalDependencies(env);
}

export function unsubscribeDependencies(env = unsubscribeEnv()): UnsubscribeDeps {
  return {
    ...signalDependencies(env),
    signingKey: signingKey(env.UNSUBSCRIBE_SECRET_ARN),
    businessName: env.BUSINESS_NAME,
  };
}

export function smsInboundDependencies(env = smsInboundEnv()): SmsInboundDeps {
  return {
    ...signalDependencies(env),
    sms: new SnsSmsSender({
      client: snsClient(),
      ...(env.SMS_ORIGINATION_NUMBER ? { originationNumber: env.SMS_ORIGINATION_NUMBER } : {}),
    }),
    mailer: forwardMailer(env.SENDER_EMAIL),
    texts: {
      businessName: env.BUSINESS_NAME,
      ownerEmail: env.OWNER_EMAIL,
      ...(env.OWNER_PHONE ? { ownerPhone: env.OWNER_PHONE } : {}),
    },
    optOuts:
      env.SMS_OPT_OUTS === 'self' ? { mode: 'self' } : { mode: 'aws', list: new SnsOptOutList(snsClient()) },
    ownerEmail: env.OWNER_EMAIL,
    fallbackEmail: env.FALLBACK_EMAIL ?? env.OWNER_EMAIL,
  };
}

export function outcomeDependencies(env = outcomeEnv()): OutcomeDeps {
  return {
    ...signalDependencies(env),
    signingKey: signingKey(env.UNSUBSCRIBE_SECRET_ARN),
    businessName: env.BUSINESS_NAME,
  };
}

export function shopEventsDependencies(env = shopEventsEnv()): SignalDeps {
  return signalDependencies(env);
}

export function shopWebhookDependencies(env = shopWebhookEnv()): ShopWebhookDeps {
  const secrets = new SecretsManagerSecrets(secretsClient());
  return {
    ...signalDependencies(env),
    webhookSecret: memoize(() => secrets.get(env.SHOP_WEBHOOK_SECRET_ARN)),
  };
}
