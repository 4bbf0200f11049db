import './polyfills.ts';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadCadencesSync } from '../functions/adapters/cadence-files.ts';
import { cartCadenceIds } from '../functions/adapters/cart-cadences.ts';
import { loadConfig } from '../functions/adapters/config-file.ts';
import type { Cadence } from '../functions/core/cadence-schema.ts';
import { compileCadence, type StateMachineDefinition } from '../functions/core/compile.ts';
import type { FollowupConfig } from '../functions/core/config.ts';
import { UsageError } from '../functions/core/errors.ts';
import type { TouchKey } from '../functions/domain/ports.ts';
import type { RedriveResult } from '../functions/domain/redrive.ts';
import { type AwsClients, createAwsClients } from '../functions/runtime/clients.ts';
import { withFastConfig } from '../functions/runtime/clients-fast-config.ts';
import { LOG_LEVELS, type LogLevel } from '../functions/runtime/settings.ts';
import { type SmsMessage, startAwsShim } from './aws-shim.ts';
import { type Clock, ScaledClock } from './clock.ts';
import { type DurableOutbox, openDurableOutbox } from './durable-outbox.ts';
import { startDynamo } from './dynamo-server.ts';
import { createIamEnforcer, deployedStack, type LocalNames } from './iam/deployed.ts';
import type { IamEnforcer, IamMode } from './iam/enforcer.ts';
import { runEvery } from './periodic.ts';
import { MemoryRawMailStore } from './raw-mail.ts';
import { localFunctions, rawMailAuthorizer } from './runtime/handlers.ts';
import { localResourceNames, localSettings, MACHINE_PREFIX, TABLE_NAME } from './runtime/settings.ts';
import { FileExecutionStore, readJson, writeJsonAtomically } from './runtime/state.ts';
import { warmUp } from './runtime/warm-up.ts';
import { handOver } from './sdk-handler.ts';
import type { SignalHandlers } from './signal-events.ts';
import { Foreground } from './slots.ts';
import {
  executionContext,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  type LocalFunction,
  LocalStepFunctions,
  MemoryExecutionStore,
} from './step-functions.ts';
import { createFollowupTable } from './table.ts';

export const ROOT = new URL('..', import.meta.url).pathname;
/**
 * In the data folder while a runtime runs there: `{pid, url, dynamodbUrl, mailboxUrl, awsUrl}`, so `followup report`
 * reads its table and `followup cadence test` reaches its mailbox.
 */
export const RUNTIME_FILE = 'runtime.json';
/** In the data folder: `{virtualNow}`, the engine's time when it last stopped, which the next start resumes from. */
export const CLOCK_FILE = 'clock.json';
export const DEFAULT_TASK_CONCURRENCY = 8;
/** The names the runtime gives the table and the state machines, as the deployed stack does. */
export { MACHINE_PREFIX, TABLE_NAME } from './runtime/settings.ts';

function logLevelOf(value: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === value.toUpperCase());
  if (!level) throw new UsageError(`log level "${value}" is not one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

export interface RuntimeOptions {
  /** HTTP port of the dashboard and API; 0 picks a free one. Default 3000. */
  readonly port?: number;
  /** Virtual time runs this many times faster (86400: a day a second). */
  readonly speed?: number;
  /** Where state lives between runs; undefined keeps everything in memory (tests, simulate). */
  readonly dataDir?: string;
  /** Start empty. */
  readonly fresh?: boolean;
  /** Replaces the scaled clock (simulate uses a virtual one). */
  readonly clock?: Clock;
  readonly root?: string;
  /** No sending governor (simulate: local/runtime/settings.ts says why). */
  readonly ungoverned?: boolean;
  /** The handlers' log level, e.g. INFO (default WARN). */
  readonly logLevel?: string;
  /**
   * Evaluate every AWS call against the IAM the synthesized stack gives its function: `enforce` fails a call the
   * deployed role could not make, as AWS would; `record` only keeps the decisions (see Runtime.iam).
   */
  readonly iam?: IamMode;
  /** SES identities verified for sending, for the IAM evaluation (default: the config's sender.identity). */
  readonly sesIdentities?: readonly string[];
  /**
   * How many touches and completions run at once (default 8): more at one instant wait their turn, so the local
   * SES emulator, on this same process, is never pushed past its timeouts.
   */
  readonly taskConcurrency?: number;
}

export interface Runtime {
  readonly url: string;
  readonly mailboxUrl: string;
  /** Every email this engine sent, oldest first (the emulator's store is shared by every engine in a process). */
  readonly emails: DurableOutbox['emails'];
  readonly awsUrl: string;
  readonly clock: Clock;
  readonly sfn: LocalStepFunctions;
  readonly ddb: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly config: FollowupConfig;
  readonly cadences: readonly Cadence[];
  readonly outbox: SmsMessage[];
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly intake: (
    event: unknown,
  ) => Promise<{ statusCode?: number; headers?: Record<string, unknown>; body?: string }>;
  /** The signal handlers (issue #5), built like Lambda's, for the local routes. */
  readonly signals: SignalHandlers;
  /** Where simulated replies' raw MIME goes, as the SES receipt rule's S3 action would put it. */
  readonly rawMail: MemoryRawMailStore;
  /** The key of unsubscribe and reply tokens and outcome links. */
  readonly signingKey: string;
  /** The secret that signs POST /shop/events bodies (X-Followup-Signature). */
  readonly shopWebhookSecret: string;
  /** Executions resumed from the last run. */
  readonly resumed: number;
  /** The IAM evaluation, when the runtime was started with `iam`. */
  readonly iam?: IamEnforcer;
  /** Sends one unconfirmed touch once, as `followup touches redrive` asks (run as the Touch function). */
  readonly redrive: (key: TouchKey, by: string) => Promise<RedriveResult>;
  /** The SDK clients the functions use, pointed at the stand-ins (and checked against IAM with `iam`). */
  readonly clients: AwsClients;
  stop(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function ensureTable(client: DynamoDBClient): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
  } catch {
    await createFollowupTable(client, TABLE_NAME);
  }
}

/**
 * The whole engine on one machine, from the same handler code Lambda runs: dynalite for DynamoDB,
 * aws-ses-v2-local for SES, the compiled cadences on aws-local-stepfunctions, a loopback shim for the Step
 * Functions API, Secrets Manager and SNS (an SMS outbox), and the dashboard.
 */
export async function startRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const root = options.root ?? ROOT;
  const dataDir = options.dataDir;
  if (dataDir && options.fresh) rmSync(dataDir, { recursive: true, force: true });
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const file = (name: string) => join(dataDir ?? '', name);

  const cadences = loadCadencesSync(join(root, 'cadences'));
  const config = loadConfig(join(root, 'followup.config.json'), new Set(cadences.map((c) => c.id)), {
    cartCadences: cartCadenceIds(cadences, join(root, 'templates')),
  });

  const savedClock = dataDir ? readJson<{ virtualNow?: number }>(file(CLOCK_FILE), {}) : {};
  const clock = options.clock ?? new ScaledClock(options.speed ?? 1, savedClock.virtualNow);

  const port = options.port ?? 3000;
  const { createAppServer } = await import('./server.ts');
  const app = createAppServer();
  const appPort = await listen(app.server, port).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') {
      throw new UsageError(`port ${port} is in use; set PORT to another, e.g. PORT=3001 npm start`);
    }
    throw error;
  });
  const url = `http://127.0.0.1:${appPort}`;
  // Each request to the dashboard and API is in the foreground until answered: touches give way (§7).
  const foreground = new Foreground();
  app.server.on('request', (_req: IncomingMessage, res: ServerResponse) =>
    res.once('close', foreground.enter()),
  );
  // The same settings the stack gives its functions, with the local runtime's names (docs/architecture.md §7).
  const settings = localSettings(config, {
    root,
    url,
    ...(options.logLevel ? { logLevel: logLevelOf(options.logLevel) } : {}),
    ...(options.ungoverned ? { ungoverned: true } : {}),
  });

  const names: LocalNames = {
    partition: 'aws',
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    resources: localResourceNames(settings),
    verifiedIdentities: options.sesIdentities ?? [config.sender.identity],
  };
  const iam = options.iam
    ? createIamEnforcer(await deployedStack(root, config, cadences, names), names, options.iam)
    : undefined;

  // dynalite: on disk under dataDir, so a restart loses nothing.
  const dynamo = await startDynamo(dataDir ? file('dynamodb') : undefined);
  const dynamoUrl = dynamo.url;

  const { default: startSes } = (await import('aws-ses-v2-local')) as unknown as {
    default: (config: { host: string; port: number }) => Promise<Server>;
  };
  // Every email and text on disk before the emulator answers: what the engine recorded as sent survives a crash.
  const ses = await startSes({ host: '127.0.0.1', port: 0 });
  const durable = openDurableOutbox(dataDir, ses);
  const sesUrl = `http://127.0.0.1:${(ses.address() as AddressInfo).port}`;

  const outbox = durable.sms;
  const secrets = dataDir ? readJson<{ key?: string; shopWebhookKey?: string }>(file('secret.json'), {}) : {};
  const signingKey = secrets.key ?? randomBytes(32).toString('hex');
  const shopWebhookSecret = secrets.shopWebhookKey ?? randomBytes(32).toString('hex');
  if (dataDir && (!secrets.key || !secrets.shopWebhookKey)) {
    writeJsonAtomically(file('secret.json'), { key: signingKey, shopWebhookKey: shopWebhookSecret });
  }

  const definitions = new Map<string, StateMachineDefinition>(
    cadences.map((c) => [
      `${MACHINE_PREFIX}-${c.id}`,
      compileCadence(c, { touchFunction: 'touch', completeFunction: 'complete' }),
    ]),
  );
  const functions = new Map<string, LocalFunction>();
  const sfn = new LocalStepFunctions({
    definitions,
    functions,
    clock,
    store: dataDir ? new FileExecutionStore(file('executions.json')) : new MemoryExecutionStore(),
    retryIntervalMs: 200,
    maxConcurrentInvocations: options.taskConcurrency ?? DEFAULT_TASK_CONCURRENCY,
    foreground,
  });
  const shim = await startAwsShim({
    sfn,
    secrets: new Map([
      [settings.unsubscribeSecretArn, signingKey],
      [settings.shopWebhookSecretArn, shopWebhookSecret],
    ]),
    onSms: (sms) => durable.acceptSms(sms),
    now: () => executionContext.getStore()?.now ?? clock.now(),
  });

  // Real SDK clients, pointed at the stand-ins; with `iam`, each call is checked as the deployed role would be.
  const clients = createAwsClients({
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    endpoints: { documents: dynamoUrl, ses: sesUrl, sfn: shim.url, sns: shim.url, secrets: shim.url },
  });
  // The handlers' calls skip the loopback sockets (sdk-handler.ts); the SDK is otherwise as on Lambda.
  handOver(clients.documents, dynamo.requestHandler);
  for (const client of [clients.sfn, clients.sns, clients.secrets]) handOver(client, shim.requestHandler);
  if (iam) {
    for (const client of [
      clients.documents,
      clients.ses,
      clients.sns,
      clients.sfn,
      clients.secrets,
      clients.s3,
    ]) {
      iam.attach(client);
    }
  }
  // The dashboard's and API's own client, built as the functions' are (clients-fast-config.ts says why).
  const dynamoClient = withFastConfig(
    new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      endpoint: dynamoUrl,
    }),
  );
  handOver(dynamoClient, dynamo.requestHandler);
  await ensureTable(dynamoClient);
  const ddb = DynamoDBDocumentClient.from(dynamoClient, { marshallOptions: { removeUndefinedValues: true } });

  const rawMail = new MemoryRawMailStore(rawMailAuthorizer(iam, settings), settings.inboundPrefix);
  const local = localFunctions({ settings, clients, clock, rawMail, ...(iam ? { iam } : {}) });
  for (const [name, run] of local.tasks) functions.set(name, run);

  const resumed = await sfn.resume();

  // The stack's EventBridge schedule, on the runtime's clock: failed starts are retried every 5 virtual minutes.
  const sweeps = runEvery(
    clock,
    5 * 60_000,
    async () => functions.get('enrollment-sweeper')?.({}),
    (error) => process.stderr.write(`enrollment sweep failed: ${(error as Error)?.message ?? error}\n`),
  );
  // With `owners`, the stack's every-minute SLA sweep (lib/enrollment-sweeper.ts), on the same clock.
  const slaSweeps = settings.reps?.length
    ? runEvery(
        clock,
        60_000,
        async () => functions.get('enrollment-sweeper')?.({ sweep: 'sla' }),
        (error) => process.stderr.write(`SLA sweep failed: ${(error as Error)?.message ?? error}\n`),
      )
    : undefined;

  const saveState = () => {
    if (!dataDir) return;
    writeJsonAtomically(file(CLOCK_FILE), { virtualNow: clock.now().getTime() });
  };
  const autosave = dataDir ? setInterval(saveState, 2_000) : undefined;
  autosave?.unref();
  if (dataDir) {
    // The mailbox (SES emulator) and the shim (SNS) too: `followup cadence test` sends through them.
    writeJsonAtomically(file(RUNTIME_FILE), {
      pid: process.pid,
      url,
      dynamodbUrl: dynamoUrl,
      mailboxUrl: sesUrl,
      awsUrl: shim.url,
    });
  }

  const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
  const runtime: Runtime = {
    url,
    mailboxUrl: sesUrl,
    emails: durable.emails,
    awsUrl: shim.url,
    clock,
    sfn,
    ddb,
    tableName: settings.tableName,
    config,
    cadences,
    outbox,
    functions,
    intake: local.intake,
    signals: local.signals,
    rawMail,
    signingKey,
    shopWebhookSecret,
    resumed,
    redrive: local.redrive,
    clients,
    ...(iam ? { iam } : {}),
    async stop() {
      if (autosave) clearInterval(autosave);
      await sweeps.stop();
      await slaSweeps?.stop();
      await sfn.shutdown();
      saveState();
      if (dataDir) rmSync(file(RUNTIME_FILE), { force: true });
      app.server.closeAllConnections();
      await Promise.all([close(app.server), close(shim.server), close(ses), dynamo.close()]);
      durable.close();
      dynamoClient.destroy();
    },
  };
  app.attach(runtime);
  await warmUp(url);
  return runtime;
}
