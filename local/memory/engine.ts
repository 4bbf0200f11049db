import '../polyfills.ts';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { StaticCadenceCatalog } from '../../functions/adapters/cadence-catalog.ts';
import { loadCadencesSync } from '../../functions/adapters/cadence-files.ts';
import { cartCadenceIds } from '../../functions/adapters/cart-cadences.ts';
import { loadConfig } from '../../functions/adapters/config-file.ts';
import { loadTemplate } from '../../functions/adapters/template-files.ts';
import type { Cadence } from '../../functions/core/cadence-schema.ts';
import { compileCadence } from '../../functions/core/compile.ts';
import type { FollowupConfig } from '../../functions/core/config.ts';
import type { TemplateSource } from '../../functions/core/template-file.ts';
import type { EnrollDeps } from '../../functions/domain/enroll.ts';
import type { Logger } from '../../functions/domain/ports.ts';
import type { SignalDeps } from '../../functions/domain/signals.ts';
import type { TouchDeps } from '../../functions/domain/touch.ts';
import { STALE_CLAIM_MS } from '../../functions/domain/unconfirmed-touches.ts';
import { makeCompleteHandler } from '../../functions/handlers/complete.ts';
import { makeIntakeHandler } from '../../functions/handlers/intake.ts';
import { makeOutcomeHandler } from '../../functions/handlers/outcome.ts';
import { makeShopEventsHandler } from '../../functions/handlers/shop-events.ts';
import { makeTouchHandler } from '../../functions/handlers/touch.ts';
import type { HttpEvent, HttpResult } from '../../functions/runtime/http.ts';
import { noMetrics } from '../../functions/runtime/metrics.ts';
import { touchSettings } from '../../functions/runtime/touch-settings.ts';
import type { Clock } from '../clock.ts';
import { localInboundEmail } from '../inbound-email.ts';
import { MemoryRawMailStore } from '../raw-mail.ts';
import { lambdaContext } from '../runtime/lambda-context.ts';
import { localSettings, MACHINE_PREFIX } from '../runtime/settings.ts';
import { type Invocation, type LocalFunction, LocalStepFunctions } from '../step-functions.ts';
import { MemoryAggregates } from './aggregates.ts';
import { MemoryExecutions } from './executions.ts';
import { MemoryLeadStore } from './lead-store.ts';
import { AGGREGATES_REQUESTS, LEAD_STORE_REQUESTS, metered, type Requests } from './request-units.ts';
import { MemoryMailer, MemorySecrets, MemorySmsSender } from './senders.ts';
import { memorySendingGovernor } from './sending-ledger.ts';

/*
 * The engine in one process with no SDK client and no server (docs/architecture.md §7): the real compiled definitions
 * on LocalStepFunctions and the real handler factories, built from the local runtime's settings over the in-memory
 * ports. It builds what `followup simulate` drives — intake, touch, complete, the inbound-email, outcome and shop
 * handlers — the way local/runtime/handlers.ts builds them from SDK clients.
 */

/** The links in emails name this origin; nothing listens there. */
const MEMORY_URL = 'http://127.0.0.1';
/** As the local runtime: at most this many touches and completions at once. */
const TASK_CONCURRENCY = 8;
const RETRY_INTERVAL_MS = 200;

export interface MemoryEngineOptions {
  readonly root: string;
  readonly clock: Clock;
  /** No sending governor (simulate: local/runtime/settings.ts says why). */
  readonly ungoverned?: boolean;
}

export interface MemoryEngine {
  readonly config: FollowupConfig;
  readonly cadences: readonly Cadence[];
  readonly sfn: LocalStepFunctions;
  /** The functions Task states invoke, by the FunctionName of the definitions: touch, complete. */
  readonly functions: Map<string, LocalFunction>;
  /*
   * The signup and signal handlers, each run as delivered at `at`, its "now": an argument rather than an ambient
   * AsyncLocalStorage, whose hooks every promise of the run would pay for (docs/architecture.md §9).
   */
  readonly intake: (event: unknown, at: Date) => Promise<HttpResult>;
  readonly signals: {
    readonly inboundEmail: (event: unknown, at: Date) => Promise<unknown>;
    readonly outcome: (event: unknown, at: Date) => Promise<HttpResult>;
    readonly shopEvents: (event: unknown, at: Date) => Promise<unknown>;
  };
  /** What was stored, read without being counted. */
  readonly store: MemoryLeadStore;
  readonly aggregates: MemoryAggregates;
  readonly rawMail: MemoryRawMailStore;
  readonly signingKey: string;
  /** The requests the handlers made, as DynamoDB would bill them, and the emails and texts accepted. */
  counts(): Requests & { readonly emails: number; readonly texts: number };
}

const silent: Logger = { info() {}, warn() {}, error() {} };

/** What Lambda hands an HTTP function beside its event. */
const http = (
  functionName: string,
  handler: (event: HttpEvent, context: Context) => Promise<HttpResult>,
  event: unknown,
): Promise<HttpResult> => handler(event as HttpEvent, lambdaContext(functionName, 'memory'));

/** A template read once: a simulation is over long before anyone edits one. */
function cachedTemplates(dir: string): (name: string) => Promise<TemplateSource> {
  const cache = new Map<string, Promise<TemplateSource>>();
  return (name) => {
    let template = cache.get(name);
    if (!template) {
      template = loadTemplate(dir, name);
      template.catch(() => cache.delete(name));
      cache.set(name, template);
    }
    return template;
  };
}

/** A fresh engine over fresh in-memory ports; nothing in it is shared with another. */
export function createMemoryEngine(options: MemoryEngineOptions): MemoryEngine {
  const { root, clock } = options;
  const cadences = loadCadencesSync(join(root, 'cadences'));
  const config = loadConfig(join(root, 'followup.config.json'), new Set(cadences.map((c) => c.id)), {
    cartCadences: cartCadenceIds(cadences, join(root, 'templates')),
  });
  const settings = localSettings(config, {
    root,
    url: MEMORY_URL,
    logLevel: 'SILENT',
    ...(options.ungoverned ? { ungoverned: true } : {}),
  });

  const functions = new Map<string, LocalFunction>();
  const sfn = new LocalStepFunctions({
    definitions: new Map(
      cadences.map((c) => [
        `${MACHINE_PREFIX}-${c.id}`,
        compileCadence(c, { touchFunction: 'touch', completeFunction: 'complete' }),
      ]),
    ),
    functions,
    clock,
    retryIntervalMs: RETRY_INTERVAL_MS,
    maxConcurrentInvocations: TASK_CONCURRENCY,
    // Straight from compileCadence, whose output test/unit/functions/core/compile.test.ts validates.
    validateDefinitions: false,
    // No AsyncLocalStorage and no live event log: nothing here reads either (docs/architecture.md §9).
    passInvocation: true,
    countTransitionsAtEnd: true,
  });

  const requests: Requests = { reads: 0, writes: 0 };
  const store = new MemoryLeadStore();
  const aggregates = new MemoryAggregates((leadId, enrollmentId) =>
    store.getEnrollment(leadId, enrollmentId),
  );
  const mailer = new MemoryMailer();
  const sms = new MemorySmsSender();
  const rawMail = new MemoryRawMailStore();
  const signingKey = randomBytes(32).toString('hex');
  const secrets = new MemorySecrets(new Map([[settings.unsubscribeSecretArn, signingKey]]));
  const key = () => secrets.get(settings.unsubscribeSecretArn);

  const enroll: EnrollDeps & { logger: Logger } = {
    store: metered(store, LEAD_STORE_REQUESTS, requests),
    executions: new MemoryExecutions(sfn, settings.stateMachineArnTemplate),
    cadences: new StaticCadenceCatalog(cadences),
    defaultTimeZone: settings.defaultTimeZone,
    logger: silent,
  };
  const signal: SignalDeps = {
    ...enroll,
    aggregates: metered(aggregates, AGGREGATES_REQUESTS, requests),
    metrics: noMetrics,
  };
  const touch: TouchDeps = {
    ...signal,
    mailer,
    sms,
    templates: cachedTemplates(settings.templatesDir),
    signingKey: key,
    settings: touchSettings(settings),
    staleClaimMs: STALE_CLAIM_MS,
    // The `sending` block's governor on its ledger in memory, billed as the table bills it (docs/architecture.md §8.12).
    ...(settings.sending
      ? { governor: memorySendingGovernor(settings.sending, settings.defaultTimeZone, requests) }
      : {}),
  };
  /*
   * Each invocation gets handlers of its own, whose "now" is its instant (its touch's due one). Claims are timed on
   * it too: on the virtual clock simulate runs this engine on, that is what the clock reads inside an execution.
   */
  const instantOf = (invocation: Invocation | undefined) => invocation?.now ?? clock.now();
  functions.set('touch', (payload, invocation) => {
    const at = instantOf(invocation);
    return makeTouchHandler({ ...touch, claimClock: () => at }, () => at)(payload);
  });
  functions.set('complete', (payload, invocation) => {
    const at = instantOf(invocation);
    return makeCompleteHandler(enroll, () => at)(payload);
  });
  const allowed = settings.allowedCadences;
  const intake = {
    ...enroll,
    allowedCadences: allowed ? async () => allowed : () => enroll.cadences.ids(),
    defaultCadence: settings.defaultCadence,
    allowedOrigins: settings.allowedOrigins,
  };
  const reader = {
    ...signal,
    mailer,
    signingKey: key,
    ownerEmail: settings.ownerEmail,
    fallbackEmail: settings.fallbackEmail ?? settings.ownerEmail,
  };
  const outcome = { ...signal, signingKey: key, businessName: settings.businessName };
  // Each delivery gets handlers of its own, whose clock reads its instant (the factories only close over deps).
  return {
    config,
    cadences,
    sfn,
    functions,
    intake: (event, at) => http('Intake', makeIntakeHandler({ ...intake, clock: () => at }), event),
    signals: {
      inboundEmail: (event, at) =>
        localInboundEmail({ reader, rawMail, logger: signal.logger, clock: () => at })(event),
      outcome: (event, at) => http('Outcome', makeOutcomeHandler({ ...outcome, clock: () => at }), event),
      shopEvents: (event, at) => makeShopEventsHandler({ ...signal, clock: () => at })(event),
    },
    store,
    aggregates,
    rawMail,
    signingKey,
    counts: () => ({ ...requests, emails: mailer.sent, texts: sms.sent }),
  };
}
