import { CadenceDirectory } from '../adapters/cadence-catalog.ts';
import { DynamoLeadStore } from '../adapters/dynamo-lead-store.ts';
import { SecretsManagerSecrets } from '../adapters/secrets-manager.ts';
import { SesMailer } from '../adapters/ses-mailer.ts';
import { SfnExecutions } from '../adapters/sfn-executions.ts';
import { SnsSmsSender } from '../adapters/sns-sms-sender.ts';
import { loadTemplate } from '../adapters/template-files.ts';
import type { EnrollDeps } from '../domain/enroll.ts';
import type { Logger } from '../domain/ports.ts';
import type { TouchDeps } from '../domain/touch.ts';
import type { IntakeDeps } from '../handlers/intake.ts';
import { documentClient, secretsClient, sesClient, sfnClient, snsClient } from './clients.ts';
import { completeEnv, intakeEnv, touchEnv } from './env.ts';
import { createLogger } from './logger.ts';

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
    },
    logger: createLogger(env.POWERTOOLS_SERVICE_NAME),
  };
}
