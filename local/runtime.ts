import './polyfills.ts';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadCadencesSync } from '../functions/adapters/cadence-files.ts';
import type { Cadence } from '../functions/core/cadence-schema.ts';
import { compileCadence, type StateMachineDefinition } from '../functions/core/compile.ts';
import { UsageError } from '../functions/core/errors.ts';
import type { TouchKey } from '../functions/domain/ports.ts';
import type { RedriveResult } from '../functions/domain/redrive.ts';
import { STALE_CLAIM_MS } from '../functions/domain/unconfirmed-touches.ts';
import { cartCadenceIds } from '../lib/cadences.ts';
import { businessEnvironment, type FollowupConfig, loadConfig } from '../lib/config.ts';
import { type SmsMessage, startAwsShim } from './aws-shim.ts';
import { type Clock, ScaledClock } from './clock.ts';
import { openDurableOutbox } from './durable-outbox.ts';
import { createIamEnforcer, deployedStack, type LocalNames } from './iam/deployed.ts';
import type { IamEnforcer, IamMode } from './iam/enforcer.ts';
import { runEvery } from './periodic.ts';
import { type LocalHandler, MemoryRawMailStore, type SignalHandlers } from './signal-events.ts';
import {
  type ExecutionRecord,
  type ExecutionStore,
  executionContext,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  type LocalFunction,
  LocalStepFunctions,
  MemoryExecutionStore,
} from './step-functions.ts';
import { createFollowupTable } from './table.ts';

export const ROOT = new URL('..', import.meta.url).pathname;
export const TABLE_NAME = 'followup';
export const MACHINE_PREFIX = 'Followup';
/** In the data folder while a runtime runs there: `{pid, url, dynamodbUrl}`, so `followup report` reads its table. */
export const RUNTIME_FILE = 'runtime.json';
// Served under ARNs shaped like the ones Secrets Manager gives, so the IAM evaluation sees what AWS would.
const secretArn = (name: string) =>
  `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:${name}-AbCdEf`;
const SECRET_ID = secretArn('followup/unsubscribe-key');
const SHOP_SECRET_ID = secretArn('followup/shop-webhook-secret');
/** Where received mail would be, as the deployed receipt rule stores it. */
const INBOUND_BUCKET = 'local-inbound-mail';
const INBOUND_PREFIX = 'inbound/';
export const DEFAULT_TASK_CONCURRENCY = 8;
/** The SES configuration set touches are sent with, as on AWS (the local SES accepts and ignores it). */
const CONFIGURATION_SET = 'followup-local';

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
  /** POWERTOOLS_LOG_LEVEL for the handlers (default WARN). */
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
  stop(): Promise<void>;
}

class FileExecutionStore implements ExecutionStore {
  constructor(private readonly file: string) {}
  async load(): Promise<ExecutionRecord[]> {
    return existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as ExecutionRecord[]) : [];
  }
  async save(records: readonly ExecutionRecord[]): Promise<void> {
    writeJsonAtomically(this.file, records);
  }
}

/** Write-then-rename, so a crash mid-write never leaves half a file. */
function writeJsonAtomically(file: string, value: unknown): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(value));
  renameSync(`${file}.tmp`, file);
}

const readJson = <T>(file: string, fallback: T): T =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : fallback;

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

  const names: LocalNames = {
    partition: 'aws',
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    resources: {
      TABLE_NAME,
      INBOUND_BUCKET,
      CONFIGURATION_SET,
      UNSUBSCRIBE_SECRET_ARN: SECRET_ID,
      SHOP_WEBHOOK_SECRET_ARN: SHOP_SECRET_ID,
    },
    verifiedIdentities: options.sesIdentities ?? [config.sender.identity],
  };
  const iam = options.iam
    ? createIamEnforcer(await deployedStack(root, config, cadences, names), names, options.iam)
    : undefined;
  /** The handler, running as the stack's function of that construct id when IAM is evaluated. */
  const as = <H extends (...args: never[]) => unknown>(functionName: string, handler: H): H =>
    iam ? (iam.as(functionName, handler) as H) : handler;
  /** A function a Task state invokes: the state machine's role must allow it first, as Step Functions checks. */
  const task = (functionName: string, handler: LocalFunction): LocalFunction => {
    const run = as(functionName, handler);
    if (!iam) return run;
    return async (payload) => {
      const machine = executionContext.getStore()?.executionArn.split(':')[6] ?? '';
      await iam.invoke(machine, functionName);
      return run(payload);
    };
  };

  const savedClock = dataDir ? readJson<{ virtualNow?: number }>(file('clock.json'), {}) : {};
  const clock = options.clock ?? new ScaledClock(options.speed ?? 1, savedClock.virtualNow);

  // dynalite: on disk under dataDir, so a restart loses nothing.
  const { default: dynalite } = await import('dynalite');
  const dynamo = dynalite({
    ...(dataDir ? { path: file('dynamodb') } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const dynamoUrl = `http://127.0.0.1:${await listen(dynamo, 0)}`;

  const { default: startSes } = (await import('aws-ses-v2-local')) as unknown as {
    default: (config: { host: string; port: number }) => Promise<Server>;
  };
  // Every email and text on disk before the emulator answers: what the engine recorded as sent survives a crash.
  const durable = openDurableOutbox(dataDir);
  const ses = await startSes({ host: '127.0.0.1', port: 0 });
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
  });
  const shim = await startAwsShim({
    sfn,
    secrets: new Map([
      [SECRET_ID, signingKey],
      [SHOP_SECRET_ID, shopWebhookSecret],
    ]),
    onSms: (sms) => durable.acceptSms(sms),
    now: () => handlerNow(),
  });

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

  // The handlers read their configuration from the environment exactly as on Lambda.
  Object.assign(process.env, {
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoUrl,
    AWS_ENDPOINT_URL_SESV2: sesUrl,
    AWS_ENDPOINT_URL_SFN: shim.url,
    AWS_ENDPOINT_URL_SNS: shim.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: shim.url,
    TABLE_NAME,
    STATE_MACHINE_ARN_TEMPLATE: LocalStepFunctions.stateMachineArn(`${MACHINE_PREFIX}-{cadence}`, 'live'),
    CADENCES_DIR: join(root, 'cadences'),
    TEMPLATES_DIR: join(root, 'templates'),
    ALLOWED_CADENCES: config.formCadences.join(','),
    DEFAULT_CADENCE: config.defaultCadence,
    ...businessEnvironment(config),
    // No AWS answers STOP or HELP on a laptop: the engine does, as with self-managed opt-outs.
    SMS_OPT_OUTS: 'self',
    ALLOWED_ORIGINS: [url, ...config.allowedOrigins].join(','),
    UNSUBSCRIBE_BASE_URL: `${url}/u/`,
    UNSUBSCRIBE_SECRET_ARN: SECRET_ID,
    DASHBOARD_URL: url,
    API_BASE_URL: url,
    FALLBACK_EMAIL: config.owner.email,
    SHOP_WEBHOOK_SECRET_ARN: SHOP_SECRET_ID,
    // Received mail lives in memory (rawMail below), not in a bucket; the variable is read all the same.
    INBOUND_BUCKET,
    INBOUND_PREFIX,
    CONFIGURATION_SET,
    POWERTOOLS_SERVICE_NAME: 'followup-local',
    // The engine's JSON logs are for Lambda; on a laptop only warnings show unless asked (--verbose).
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    // CloudWatch metric lines mean nothing here; the dashboard and `followup report` read the aggregates.
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  const clients = await import('../functions/runtime/clients.ts');
  clients.resetClients();
  if (iam) {
    for (const client of [
      clients.documentClient(),
      clients.sesClient(),
      clients.snsClient(),
      clients.sfnClient(),
      clients.secretsClient(),
      clients.s3Client(),
    ]) {
      iam.attach(client);
    }
  }
  const dynamoClient = new DynamoDBClient({ endpoint: dynamoUrl });
  await ensureTable(dynamoClient);
  const ddb = DynamoDBDocumentClient.from(dynamoClient, { marshallOptions: { removeUndefinedValues: true } });

  const deps = await import('../functions/runtime/dependencies.ts');
  const { makeTouchHandler } = await import('../functions/handlers/touch.ts');
  const { makeCompleteHandler } = await import('../functions/handlers/complete.ts');
  const { makeIntakeHandler } = await import('../functions/handlers/intake.ts');
  // A handler's "now" is its touch's due instant on the runtime's clock.
  const handlerNow = () => executionContext.getStore()?.now ?? clock.now();
  // So claims are timed on the moving clock, and judged old after as many real seconds as on Lambda.
  const claimTiming = {
    claimClock: () => clock.now(),
    staleClaimMs: STALE_CLAIM_MS * ('speed' in clock ? Number(clock.speed) : 1),
  };
  const { redriveTouch } = await import('../functions/domain/redrive.ts');
  const redriveDeps = { ...deps.touchDependencies(), ...claimTiming };
  const redrive: Runtime['redrive'] = as('Touch', (key: TouchKey, by: string) =>
    redriveTouch(redriveDeps, key, by, clock.now()),
  );
  functions.set(
    'touch',
    task(
      'Touch',
      makeTouchHandler({ ...deps.touchDependencies(), ...claimTiming }, handlerNow) as LocalFunction,
    ),
  );
  functions.set(
    'complete',
    task('Complete', makeCompleteHandler(deps.completeDependencies(), handlerNow) as LocalFunction),
  );
  const intakeHandler = makeIntakeHandler({ ...deps.intakeDependencies(), clock: handlerNow });
  const intake: Runtime['intake'] = as(
    'Intake',
    (event) => intakeHandler(event as never, {} as never) as never,
  );

  // Reading a stored reply is an s3:GetObject of the inbound-email function on AWS: evaluated as one here.
  const rawMail = new MemoryRawMailStore(
    iam
      ? (messageId) =>
          iam.authorize({
            client: 'S3Client',
            command: 'GetObjectCommand',
            input: { Bucket: INBOUND_BUCKET, Key: `${INBOUND_PREFIX}${messageId}` },
          })
      : undefined,
  );
  const { makeInboundEmailHandler } = await import('../functions/handlers/inbound-email.ts');
  const { makeSesEventsHandler } = await import('../functions/handlers/ses-events.ts');
  const { makeUnsubscribeHandler } = await import('../functions/handlers/unsubscribe.ts');
  const { makeSmsInboundHandler } = await import('../functions/handlers/sms-inbound.ts');
  const { makeOutcomeHandler } = await import('../functions/handlers/outcome.ts');
  const { makeShopEventsHandler } = await import('../functions/handlers/shop-events.ts');
  const { makeShopWebhookHandler } = await import('../functions/handlers/shop-webhook.ts');
  // HTTP handlers take (event, context); the local routes pass the API Gateway event only.
  const http =
    (handler: (event: never, context: never) => Promise<unknown>): LocalHandler =>
    (event) =>
      handler(event as never, {} as never);
  const signals: SignalHandlers = {
    inboundEmail: as(
      'InboundEmail',
      makeInboundEmailHandler({ ...deps.inboundEmailDependencies(), rawMail, clock: handlerNow }),
    ),
    sesEvents: as('SesEvents', makeSesEventsHandler({ ...deps.sesEventsDependencies(), clock: handlerNow })),
    unsubscribe: as(
      'Unsubscribe',
      http(makeUnsubscribeHandler({ ...deps.unsubscribeDependencies(), clock: handlerNow })),
    ),
    smsInbound: as(
      'SmsInbound',
      makeSmsInboundHandler({ ...deps.smsInboundDependencies(), clock: handlerNow }),
    ),
    outcome: as('Outcome', http(makeOutcomeHandler({ ...deps.outcomeDependencies(), clock: handlerNow }))),
    shopEvents: as(
      'ShopEvents',
      makeShopEventsHandler({ ...deps.shopEventsDependencies(), clock: handlerNow }),
    ),
    shopWebhook: as(
      'ShopWebhook',
      http(makeShopWebhookHandler({ ...deps.shopWebhookDependencies(), clock: handlerNow })),
    ),
  };

  const resumed = await sfn.resume();

  // The stack's EventBridge schedule, on the runtime's clock: failed starts are retried every 5 virtual minutes.
  const { makeEnrollmentSweeperHandler } = await import('../functions/handlers/enrollment-sweeper.ts');
  functions.set(
    'enrollment-sweeper',
    as(
      'EnrollmentSweeper',
      makeEnrollmentSweeperHandler({
        ...deps.enrollmentSweeperDependencies(),
        clock: handlerNow,
        staleClaimMs: claimTiming.staleClaimMs,
      }),
    ) as LocalFunction,
  );
  const sweeps = runEvery(
    clock,
    5 * 60_000,
    async () => functions.get('enrollment-sweeper')?.({}),
    (error) => process.stderr.write(`enrollment sweep failed: ${(error as Error)?.message ?? error}\n`),
  );

  const saveState = () => {
    if (!dataDir) return;
    writeJsonAtomically(file('clock.json'), { virtualNow: clock.now().getTime() });
  };
  const autosave = dataDir ? setInterval(saveState, 2_000) : undefined;
  autosave?.unref();
  if (dataDir) writeJsonAtomically(file(RUNTIME_FILE), { pid: process.pid, url, dynamodbUrl: dynamoUrl });

  const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
  const runtime: Runtime = {
    url,
    mailboxUrl: sesUrl,
    awsUrl: shim.url,
    clock,
    sfn,
    ddb,
    tableName: TABLE_NAME,
    config,
    cadences,
    outbox,
    functions,
    intake,
    signals,
    rawMail,
    signingKey,
    shopWebhookSecret,
    resumed,
    redrive,
    ...(iam ? { iam } : {}),
    async stop() {
      if (autosave) clearInterval(autosave);
      await sweeps.stop();
      await sfn.shutdown();
      saveState();
      if (dataDir) rmSync(file(RUNTIME_FILE), { force: true });
      app.server.closeAllConnections();
      await Promise.all([close(app.server), close(shim.server), close(ses), close(dynamo)]);
      durable.close();
      dynamoClient.destroy();
    },
  };
  app.attach(runtime);
  return runtime;
}
