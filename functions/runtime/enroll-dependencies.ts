import { CadenceDirectory } from '../adapters/cadence-catalog.ts';
import { DynamoLeadStore } from '../adapters/dynamo/lead-store.ts';
import { DynamoAggregates } from '../adapters/dynamo-aggregates.ts';
import { SfnExecutions } from '../adapters/sfn-executions.ts';
import type { EnrollDeps } from '../domain/enroll.ts';
import type { SweepDeps } from '../domain/enrollment-retry.ts';
import type { MeasureDeps } from '../domain/metrics.ts';
import type { Logger } from '../domain/ports.ts';
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
