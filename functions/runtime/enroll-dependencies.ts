import { CadenceDirectory } from '../adapters/cadence-catalog.ts';
import { DynamoLeadStore } from '../adapters/dynamo/lead-store.ts';
import { DynamoPromotionStore } from '../adapters/dynamo/promotion-store.ts';
import { DynamoAggregates } from '../adapters/dynamo-aggregates.ts';
import { DynamoRotation, DynamoSlaTimers } from '../adapters/dynamo-rep-desk.ts';
import { SesMailer } from '../adapters/ses-mailer.ts';
import { SfnExecutions } from '../adapters/sfn-executions.ts';
import { SnsSmsSender } from '../adapters/sns-sms-sender.ts';
import type { EnrollDeps } from '../domain/enroll.ts';
import type { SweepDeps } from '../domain/enrollment-retry.ts';
import type { MeasureDeps } from '../domain/metrics.ts';
import type { Rep } from '../domain/owners.ts';
import type { CadenceCatalog, Logger } from '../domain/ports.ts';
import type { SlaDeps } from '../domain/sla.ts';
import type { EnrollmentSweeperDeps } from '../handlers/enrollment-sweeper.ts';
import type { IntakeDeps } from '../handlers/intake.ts';
import type { AwsClients } from './clients.ts';
import type { SettingsOf } from './env.ts';
import { createLogger } from './logger.ts';
import { createMetricSink, noMetrics } from './metrics.ts';
import type { Settings } from './settings.ts';

/*
 * Each function's dependencies, from its slice of Settings and a set of clients: once per cold start on Lambda
 * (functions/entry/), per engine in the local runtime. Nothing here is global, so engines in one process share
 * nothing (docs/architecture.md §1.1). This module holds enrollment's wiring and what every function shares; the
 * signals' and the touch's are beside it, so a bundle holds only its own function's (docs/architecture.md §9).
 */

export type Observed = Pick<Settings, 'serviceName' | 'logLevel' | 'metrics'>;
export type Enrolling = Pick<
  Settings,
  'tableName' | 'stateMachineArnTemplate' | 'cadencesDir' | 'defaultTimeZone'
>;

export const loggerFor = (settings: Observed): Logger =>
  createLogger(settings.serviceName, settings.logLevel);
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
export function measures(
  settings: Observed & Pick<Settings, 'tableName'>,
  clients: AwsClients,
): Required<Omit<MeasureDeps, 'logger'>> {
  return {
    aggregates: new DynamoAggregates({ client: clients.documents, tableName: settings.tableName }),
    metrics: metricsFor(settings),
  };
}

export function enrollDependencies(
  settings: Enrolling & Observed & { readonly reps?: readonly Rep[] },
  clients: AwsClients,
): EnrollDeps & { logger: Logger } {
  return enrollDependenciesWith(settings, clients, new CadenceDirectory(settings.cadencesDir));
}

/** Enrollment's wiring around a cadence catalog: the files, or a bundle's manifest (./cadence-manifest.ts). */
export function enrollDependenciesWith(
  settings: Enrolling & Observed & { readonly reps?: readonly Rep[] },
  clients: AwsClients,
  cadences: CadenceCatalog,
): EnrollDeps & { logger: Logger } {
  const table = { client: clients.documents, tableName: settings.tableName };
  // Only with `owners`: a deployment without reps makes no rotation or SLA request (docs/architecture.md §3.3).
  const desk = settings.reps?.length
    ? { reps: settings.reps, rotation: new DynamoRotation(table), timers: new DynamoSlaTimers(table) }
    : undefined;
  return {
    store: new DynamoLeadStore({ client: clients.documents, tableName: settings.tableName }),
    executions: new SfnExecutions({
      client: clients.sfn,
      stateMachineArnTemplate: settings.stateMachineArnTemplate,
    }),
    cadences,
    defaultTimeZone: settings.defaultTimeZone,
    ...(desk ? { desk } : {}),
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

/**
 * The scheduled sweeper retries failed starts: what enrollment needs, and the metric its alarm watches; with
 * `owners`, also what the SLA sweep escalates with (functions/domain/sla.ts).
 */
export function enrollmentSweeperDependencies(
  settings: SettingsOf<'EnrollmentSweeper'>,
  clients: AwsClients,
): SweepDeps & Pick<EnrollmentSweeperDeps, 'sla' | 'promotion'> {
  const base = enrollDependencies(settings, clients);
  const reps = settings.reps ?? [];
  const table = { client: clients.documents, tableName: settings.tableName };
  const sla: SlaDeps | undefined =
    reps.length > 0
      ? {
          store: new DynamoLeadStore(table),
          timers: new DynamoSlaTimers(table),
          // To people of ours: without the configuration set, so their bounces are not a lead's.
          mailer: new SesMailer({ client: clients.ses, from: settings.senderEmail }),
          ...(settings.smsOriginationNumber
            ? {
                sms: new SnsSmsSender({
                  client: clients.sns,
                  originationNumber: settings.smsOriginationNumber,
                }),
              }
            : {}),
          reps,
          fallback: {
            name: settings.ownerName,
            email: settings.ownerEmail,
            ...(settings.ownerPhone ? { phone: settings.ownerPhone } : {}),
          },
          ...(settings.dashboardUrl ? { dashboardUrl: settings.dashboardUrl } : {}),
          logger: base.logger,
        }
      : undefined;
  const promotion = { aggregates: new DynamoAggregates(table), promotions: new DynamoPromotionStore(table) };
  return { ...base, metrics: metricsFor(settings), promotion, ...(sla ? { sla } : {}) };
}
