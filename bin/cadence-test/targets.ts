import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type EnvironmentResponse,
  GetFunctionConfigurationCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { errorName } from '../../functions/adapters/aws-errors.ts';
import { loadCadencesSync } from '../../functions/adapters/cadence-files.ts';
import { cartCadenceIds } from '../../functions/adapters/cart-cadences.ts';
import { loadConfig } from '../../functions/adapters/config-file.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import { SnsSmsSender } from '../../functions/adapters/sns-sms-sender.ts';
import { UsageError } from '../../functions/core/errors.ts';
import { SendRejected } from '../../functions/domain/errors.ts';
import type { Mailer, SmsSender } from '../../functions/domain/ports.ts';
import type { TouchSettings } from '../../functions/domain/touch-input.ts';
import { EnvInvalid, touchEnv } from '../../functions/runtime/env.ts';
import { touchSettings } from '../../functions/runtime/touch-settings.ts';
import { localSettings } from '../../local/runtime/settings.ts';
import { credentialProblem, resolveRegion } from '../targets/aws-access.ts';
import { stackOutput } from '../targets/deployed-stack.ts';
import { runningRuntime } from '../targets/local-runtime.ts';

/*
 * Where `followup cadence test` sends: the running local engine's SES emulator (its mailbox) with the settings the
 * runtime gives its Touch function, or with --aws SES v2 with the deployed Touch function's own settings (its
 * environment, read with GetFunctionConfiguration), so the From, the footer and the links are the stack's.
 */

export interface SendTarget {
  readonly mailer: Mailer;
  readonly sms?: SmsSender;
  readonly settings: TouchSettings;
  /** For the heading: "the local mailbox at http://…", "SES in us-east-1 from …". */
  readonly label: string;
  close(): void;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The SES emulator (and the shim, for texts) of the runtime on `dataDir`, as its runtime.json says (§7). */
function mailboxOf(dataDir: string, url: string): { mailboxUrl: string; awsUrl?: string } {
  const file = join(dataDir, 'runtime.json');
  const said = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { mailboxUrl?: unknown; awsUrl?: unknown })
    : {};
  if (typeof said.mailboxUrl !== 'string') {
    // Written by every start of this version: an engine started by an older one does not say.
    throw new UsageError(`the local runtime at ${url} does not say where its mailbox is: restart npm start`);
  }
  return { mailboxUrl: said.mailboxUrl, ...(typeof said.awsUrl === 'string' ? { awsUrl: said.awsUrl } : {}) };
}

/** The running local engine on `dataDir`, whose project is `root`. */
export async function localTarget(dataDir: string, root: string, label: string): Promise<SendTarget> {
  const running = runningRuntime(dataDir);
  if (!running?.url)
    throw new UsageError(
      `no local engine is running on ${label}: run \`npm start\` first (its mailbox receives the test), or pass --aws`,
    );
  const { mailboxUrl, awsUrl } = mailboxOf(dataDir, running.url);
  const cadences = loadCadencesSync(join(root, 'cadences'));
  const config = loadConfig(join(root, 'followup.config.json'), new Set(cadences.map((c) => c.id)), {
    cartCadences: cartCadenceIds(cadences, join(root, 'templates')),
  });
  const settings = localSettings(config, { root, url: running.url });
  const ses = new SESv2Client({ endpoint: mailboxUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  const sns = awsUrl
    ? new SNSClient({ endpoint: awsUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS })
    : undefined;
  return {
    mailer: new SesMailer({ client: ses, from: settings.senderEmail }),
    ...(sns ? { sms: new SnsSmsSender({ client: sns }) } : {}),
    settings: touchSettings(settings),
    label: `the local mailbox at ${mailboxUrl}`,
    close: () => {
      ses.destroy();
      sns?.destroy();
    },
  };
}

/** The Touch function's settings from its variables; a stack older than this CLI is one line saying to deploy. */
function deployedSettings(functionName: string, variables: Record<string, string>) {
  try {
    return touchEnv(variables);
  } catch (error) {
    if (!(error instanceof EnvInvalid)) throw error;
    throw new UsageError(
      `${functionName} is not set up as this version of Followup expects (${error.message}); deploy it (npx cdk deploy)`,
    );
  }
}

/** The deployed stack: its Touch function's settings, and SES v2 / SNS with the caller's credentials. */
export async function awsTarget(options: { stack?: string; region?: string }): Promise<SendTarget> {
  const region = await resolveRegion(options.region);
  const stackName = options.stack ?? 'Followup';
  const functionName = await stackOutput(stackName, 'TouchFunctionName', region, {
    unreadable: 'pass --stack NAME and --region REGION; your IAM needs cloudformation:DescribeStacks on it',
    missing: 'deploy this version of Followup (npx cdk deploy), which names its Touch function there',
  });
  const lambda = new LambdaClient({ region });
  let environment: EnvironmentResponse | undefined;
  try {
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    environment = config.Environment;
  } catch (error) {
    throw (
      credentialProblem(error) ??
      new UsageError(
        errorName(error) === 'AccessDeniedException'
          ? `you may not read ${functionName}'s settings: your IAM needs lambda:GetFunctionConfiguration on it`
          : `cannot read ${functionName}'s settings (${errorName(error)}: ${(error as Error).message})`,
      )
    );
  } finally {
    lambda.destroy();
  }
  // Lambda answers Environment.Error instead of the variables when it cannot decrypt them (a KMS key's grant).
  if (environment?.Error)
    throw new UsageError(
      `cannot read ${functionName}'s settings: Lambda says ${environment.Error.ErrorCode ?? 'error'}: ${environment.Error.Message ?? ''}`,
    );
  const settings = deployedSettings(functionName, environment?.Variables ?? {});
  const ses = new SESv2Client({ region });
  const sns = new SNSClient({ region });
  // No configuration set: a test message's delivery and open events must not reach the engine as a lead's.
  const mailer = new SesMailer({ client: ses, from: settings.senderEmail });
  const sms = new SnsSmsSender({
    client: sns,
    ...(settings.smsOriginationNumber ? { originationNumber: settings.smsOriginationNumber } : {}),
  });
  const refused = (error: unknown) => sendRefusal(error, settings.senderEmail, region);
  return {
    mailer: { send: (email) => mailer.send(email).catch(refused) },
    sms: { send: (text) => sms.send(text).catch(refused) },
    settings: touchSettings(settings),
    label: `SES in ${region} from ${settings.senderEmail} (the stack ${stackName})`,
    close: () => {
      ses.destroy();
      sns.destroy();
    },
  };
}

/**
 * What the caller can do about a send AWS refused, in one line: the grant the caller's IAM lacks (SES answers
 * AccessDeniedException, SNS AuthorizationErrorException), or the SES sandbox's rule that every recipient is verified.
 */
function sendRefusal(error: unknown, sender: string, region: string): never {
  // The mailer wraps a rejection as SendRejected: SES's own error is its cause.
  const own = error instanceof SendRejected ? error.cause : error;
  const name = errorName(own);
  const message = (own as Error | undefined)?.message ?? '';
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    throw new UsageError(
      `SES refused: your IAM may not send as ${sender} in ${region}; it needs ses:SendEmail on that sender's identity`,
    );
  }
  if (name === 'AuthorizationErrorException') {
    throw new UsageError(`SNS refused: your IAM may not send texts in ${region}; it needs sns:Publish`);
  }
  if (name === 'MessageRejected' && /not verified/i.test(message)) {
    throw new UsageError(
      `SES refused: ${message}. In the SES sandbox every recipient must be verified: verify the --to address (SES console › Identities) or request production access`,
    );
  }
  throw error;
}
