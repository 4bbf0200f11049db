import { join } from 'node:path';
import type { FollowupConfig } from '../../functions/core/config.ts';
import { variableOf } from '../../functions/runtime/env.ts';
import {
  type LogLevel,
  type Settings,
  type StackOutputs,
  settingsFromConfig,
} from '../../functions/runtime/settings.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, LocalStepFunctions } from '../step-functions.ts';
import { localSending } from './sending-governor.ts';

/*
 * The local runtime's stand-ins for the stack's outputs, and the settings its functions run with: the same
 * `settingsFromConfig` the stack calls, from the same config file (docs/architecture.md §7).
 */

export const TABLE_NAME = 'followup';
export const MACHINE_PREFIX = 'Followup';
// Served under ARNs shaped like the ones Secrets Manager gives, so the IAM evaluation sees what AWS would.
const secretArn = (name: string) =>
  `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:${name}-AbCdEf`;
export const UNSUBSCRIBE_SECRET_ARN = secretArn('followup/unsubscribe-key');
export const SHOP_WEBHOOK_SECRET_ARN = secretArn('followup/shop-webhook-secret');
/** Where received mail would be, as the deployed receipt rule stores it. */
export const INBOUND_BUCKET = 'local-inbound-mail';
export const INBOUND_PREFIX = 'inbound/';
/** The SES configuration set touches are sent with, as on AWS (the local SES accepts and ignores it). */
const CONFIGURATION_SET = 'followup-local';

/** The names the local runtime gives what the stack would create; `url` is the runtime's own HTTP address. */
export function localOutputs(root: string, url: string): StackOutputs {
  return {
    tableName: TABLE_NAME,
    stateMachineArnTemplate: LocalStepFunctions.stateMachineArn(`${MACHINE_PREFIX}-{cadence}`, 'live'),
    cadencesDir: join(root, 'cadences'),
    templatesDir: join(root, 'templates'),
    unsubscribeSecretArn: UNSUBSCRIBE_SECRET_ARN,
    shopWebhookSecretArn: SHOP_WEBHOOK_SECRET_ARN,
    // Received mail lives in memory (the runtime's rawMail), not in a bucket; the setting is read all the same.
    inboundBucket: INBOUND_BUCKET,
    inboundPrefix: INBOUND_PREFIX,
    configurationSet: CONFIGURATION_SET,
    apiUrl: url,
    dashboardUrl: url,
  };
}

export interface LocalSettingsOptions {
  readonly root: string;
  /** The runtime's HTTP address: the dashboard, the API and the links in every email. */
  readonly url: string;
  /** Default WARN: the engine's JSON logs are for Lambda; on a laptop only warnings show unless asked. */
  readonly logLevel?: LogLevel;
  /**
   * No sending governor, whatever the config says: simulate's leads each live on their own virtual timeline, so how
   * many touches wait for capacity would depend on how their real-time turns interleave (the same seed must give the
   * same run); `simulate --aws-quotas` models the governor at scale (docs/architecture.md §8.12).
   */
  readonly ungoverned?: boolean;
}

/** The settings every local function runs with. */
export function localSettings(config: FollowupConfig, options: LocalSettingsOptions): Settings {
  const settings = settingsFromConfig(config, localOutputs(options.root, options.url));
  return {
    ...settings,
    // The dashboard's own form posts from the runtime's origin.
    allowedOrigins: [options.url, ...settings.allowedOrigins],
    // No AWS answers STOP or HELP on a laptop: the engine does, as with self-managed opt-outs.
    smsOptOuts: 'self',
    // No SES account to ask GetAccount either: "account" is the config's `sending.local` (local/runtime/sending-governor.ts).
    sending: settings.sending && !options.ungoverned ? localSending(settings.sending) : undefined,
    serviceName: 'followup-local',
    logLevel: options.logLevel ?? 'WARN',
    // CloudWatch metric lines mean nothing here; the dashboard and `followup report` read the aggregates.
    metrics: false,
  };
}

/**
 * The local name of each resource a function is given by a variable, for the IAM evaluation (local/iam), which
 * reads the synthesized stack's variables.
 */
export function localResourceNames(settings: Settings): Readonly<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const setting of [
    'tableName',
    'inboundBucket',
    'configurationSet',
    'unsubscribeSecretArn',
    'shopWebhookSecretArn',
  ] as const) {
    const value = settings[setting];
    if (value !== undefined) names[variableOf(setting)] = value;
  }
  return names;
}
