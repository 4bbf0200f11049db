import type { Context } from 'aws-lambda';
import type { TouchKey } from '../../functions/domain/ports.ts';
import { type RedriveResult, redriveTouch } from '../../functions/domain/redrive.ts';
import { STALE_CLAIM_MS } from '../../functions/domain/unconfirmed-touches.ts';
import { makeCompleteHandler } from '../../functions/handlers/complete.ts';
import { makeEnrollmentSweeperHandler } from '../../functions/handlers/enrollment-sweeper.ts';
import { makeIntakeHandler } from '../../functions/handlers/intake.ts';
import { makeOutcomeHandler } from '../../functions/handlers/outcome.ts';
import { makeSesEventsHandler } from '../../functions/handlers/ses-events.ts';
import { makeShopEventsHandler } from '../../functions/handlers/shop-events.ts';
import { makeShopWebhookHandler } from '../../functions/handlers/shop-webhook.ts';
import { makeSmsInboundHandler } from '../../functions/handlers/sms-inbound.ts';
import { makeTouchHandler } from '../../functions/handlers/touch.ts';
import { makeUnsubscribeHandler } from '../../functions/handlers/unsubscribe.ts';
import type { AwsClients } from '../../functions/runtime/clients.ts';
import {
  completeDependencies,
  enrollmentSweeperDependencies,
  intakeDependencies,
} from '../../functions/runtime/enroll-dependencies.ts';
import type { HttpEvent, HttpResult } from '../../functions/runtime/http.ts';
import type { Settings } from '../../functions/runtime/settings.ts';
import {
  outcomeDependencies,
  readReplyDependencies,
  sesEventsDependencies,
  shopEventsDependencies,
  shopWebhookDependencies,
  smsInboundDependencies,
  unsubscribeDependencies,
} from '../../functions/runtime/signal-dependencies.ts';
import { touchDependencies } from '../../functions/runtime/touch-dependencies.ts';
import type { Clock } from '../clock.ts';
import type { IamEnforcer } from '../iam/enforcer.ts';
import { localInboundEmail, localReplyReader } from '../inbound-email.ts';
import type { MemoryRawMailStore } from '../raw-mail.ts';
import type { SignalHandlers } from '../signal-events.ts';
import { executionContext, type LocalFunction } from '../step-functions.ts';
import { lambdaContext } from './lambda-context.ts';

/*
 * The engine's functions on the local runtime, built from the same factories and dependency builders Lambda's
 * entry files use (docs/architecture.md §7), from this runtime's settings and clients: nothing global, so several
 * runtimes can share a process.
 */

export interface LocalFunctionsOptions {
  readonly settings: Settings;
  readonly clients: AwsClients;
  readonly clock: Clock;
  /** Where simulated replies' raw MIME is, as the SES receipt rule's S3 action would put it. */
  readonly rawMail: MemoryRawMailStore;
  /** Each function runs as the stack's function of that construct id when IAM is evaluated. */
  readonly iam?: IamEnforcer;
}

export interface LocalFunctions {
  /** The functions Task states and the schedule invoke: touch, complete, enrollment-sweeper. */
  readonly tasks: ReadonlyMap<string, LocalFunction>;
  readonly intake: (event: unknown) => Promise<HttpResult>;
  readonly signals: SignalHandlers;
  readonly redrive: (key: TouchKey, by: string) => Promise<RedriveResult>;
}

/** HTTP handlers take (event, context); the local routes pass the API Gateway event they built. */
const http =
  (functionName: string, handler: (event: HttpEvent, context: Context) => Promise<HttpResult>) =>
  (event: unknown): Promise<HttpResult> =>
    handler(event as HttpEvent, lambdaContext(functionName));

export function localFunctions(options: LocalFunctionsOptions): LocalFunctions {
  const { settings, clients, clock, iam } = options;
  const as = <A extends unknown[], R>(functionName: string, handler: (...args: A) => R) =>
    iam ? iam.as(functionName, handler) : handler;
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
  // A handler's "now" is its touch's due instant on the runtime's clock.
  const now = () => executionContext.getStore()?.now ?? clock.now();
  // So claims are timed on the moving clock, and judged old after as many real seconds as on Lambda.
  const claimTiming = {
    claimClock: () => clock.now(),
    staleClaimMs: STALE_CLAIM_MS * ('speed' in clock ? Number(clock.speed) : 1),
  };
  const touchDeps = { ...touchDependencies(settings, clients), ...claimTiming };
  const signal = { clock: now };
  const replyReader = readReplyDependencies(settings, clients);
  // ReadReply as SmsInbound invokes it with a person's text (docs/architecture.md §4.1).
  const textReader = localReplyReader({ reader: replyReader, clock: now, ...(iam ? { iam } : {}) });
  const sweeper = makeEnrollmentSweeperHandler({
    ...enrollmentSweeperDependencies(settings, clients),
    clock: now,
    staleClaimMs: claimTiming.staleClaimMs,
  });

  return {
    tasks: new Map<string, LocalFunction>([
      ['touch', task('Touch', makeTouchHandler(touchDeps, now))],
      ['complete', task('Complete', makeCompleteHandler(completeDependencies(settings, clients), now))],
      // The stack's EventBridge schedule, run by the runtime on its clock.
      ['enrollment-sweeper', as('EnrollmentSweeper', sweeper)],
    ]),
    intake: as(
      'Intake',
      http('Intake', makeIntakeHandler({ ...intakeDependencies(settings, clients), clock: now })),
    ),
    signals: {
      // The mail parser and the reply reader, each as its own function (docs/architecture.md §4.1).
      inboundEmail: localInboundEmail({
        reader: replyReader,
        rawMail: options.rawMail,
        logger: replyReader.logger,
        clock: now,
        ...(iam ? { iam } : {}),
      }),
      sesEvents: as(
        'SesEvents',
        makeSesEventsHandler({ ...sesEventsDependencies(settings, clients), ...signal }),
      ),
      unsubscribe: as(
        'Unsubscribe',
        http(
          'Unsubscribe',
          makeUnsubscribeHandler({ ...unsubscribeDependencies(settings, clients), ...signal }),
        ),
      ),
      smsInbound: as(
        'SmsInbound',
        makeSmsInboundHandler({ ...smsInboundDependencies(settings, clients, textReader), ...signal }),
      ),
      outcome: as(
        'Outcome',
        http('Outcome', makeOutcomeHandler({ ...outcomeDependencies(settings, clients), ...signal })),
      ),
      shopEvents: as(
        'ShopEvents',
        makeShopEventsHandler({ ...shopEventsDependencies(settings, clients), ...signal }),
      ),
      shopWebhook: as(
        'ShopWebhook',
        http(
          'ShopWebhook',
          makeShopWebhookHandler({ ...shopWebhookDependencies(settings, clients), ...signal }),
        ),
      ),
    },
    redrive: as('Touch', (key: TouchKey, by: string) => redriveTouch(touchDeps, key, by, clock.now())),
  };
}

/** Reading a stored reply is an s3:GetObject of the inbound-email function on AWS: evaluated as one here. */
export function rawMailAuthorizer(
  iam: IamEnforcer | undefined,
  settings: Pick<Settings, 'inboundBucket' | 'inboundPrefix'>,
) {
  if (!iam) return undefined;
  return (messageId: string) =>
    iam.authorize({
      client: 'S3Client',
      command: 'GetObjectCommand',
      input: { Bucket: settings.inboundBucket, Key: `${settings.inboundPrefix}${messageId}` },
    });
}
