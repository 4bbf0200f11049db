import { SecretsManagerSecrets } from '../adapters/secrets-manager.ts';
import { SesMailer } from '../adapters/ses-mailer.ts';
import { SnsOptOutList } from '../adapters/sns-opt-out-list.ts';
import { SnsSmsSender } from '../adapters/sns-sms-sender.ts';
import type { SesEventDeps } from '../domain/ses-events.ts';
import type { SignalDeps } from '../domain/signals.ts';
import type { OutcomeDeps } from '../handlers/outcome.ts';
import type { ReadReplyDeps } from '../handlers/read-reply.ts';
import type { ShopWebhookDeps } from '../handlers/shop-webhook.ts';
import type { SmsInboundDeps } from '../handlers/sms-inbound.ts';
import type { UnsubscribeDeps } from '../handlers/unsubscribe.ts';
import type { AwsClients } from './clients.ts';
import {
  type Enrolling,
  enrollDependencies,
  measures,
  memoize,
  type Observed,
} from './enroll-dependencies.ts';
import type { SettingsOf } from './env.ts';
import { sendingGovernor } from './sending-governor.ts';
import type { Settings } from './settings.ts';

/*
 * The signal functions (docs/architecture.md §4). Each writes the table, then stops executions; those that may
 * snooze a lead also start the re-engage cadence.
 */

/** Signals need what enrollment needs: the table, the executions (stop, and start for re-engage), the cadences. */
function signalDependencies(settings: Enrolling & Observed, clients: AwsClients): SignalDeps {
  return { ...enrollDependencies(settings, clients), ...measures(settings, clients) };
}

/** What a reply's reading starts, for the functions that read replies or correct their readings (#14). */
function replies(settings: Partial<Pick<Settings, 'snoozeDays' | 'referralCadence' | 'reengageCadence'>>) {
  return {
    ...(settings.reengageCadence ? { reengageCadence: settings.reengageCadence } : {}),
    replies: {
      ...(settings.snoozeDays ? { snoozeDays: settings.snoozeDays } : {}),
      ...(settings.referralCadence ? { referralCadence: settings.referralCadence } : {}),
    },
  };
}

/** The signing key of unsubscribe and reply tokens and outcome links, read once per cold start. */
function signingKey(secretArn: string, clients: AwsClients) {
  const secrets = new SecretsManagerSecrets(clients.secrets);
  return memoize(() => secrets.get(secretArn));
}

/** Forwards to people of ours go out without the configuration set: their bounces are not a lead's. */
const forwardMailer = (senderEmail: string, clients: AwsClients) =>
  new SesMailer({ client: clients.ses, from: senderEmail });

/** The reply reader's: the table, executions, the signing key and the forwarder; the mail comes parsed (§4.1). */
export function readReplyDependencies(settings: SettingsOf<'ReadReply'>, clients: AwsClients): ReadReplyDeps {
  return {
    ...signalDependencies(settings, clients),
    ...replies(settings),
    ...(settings.apiBaseUrl ? { apiBaseUrl: settings.apiBaseUrl } : {}),
    mailer: forwardMailer(settings.senderEmail, clients),
    signingKey: signingKey(settings.unsubscribeSecretArn, clients),
    ownerEmail: settings.ownerEmail,
    fallbackEmail: settings.fallbackEmail ?? settings.ownerEmail,
  };
}

export function sesEventsDependencies(settings: SettingsOf<'SesEvents'>, clients: AwsClients): SesEventDeps {
  return {
    ...signalDependencies(settings, clients),
    // Hard bounces and complaints fill the governor's reputation window (#15, docs/architecture.md §8.12).
    ...(settings.sending ? { sending: sendingGovernor(settings.sending, settings, clients) } : {}),
  };
}

export function unsubscribeDependencies(
  settings: SettingsOf<'Unsubscribe'>,
  clients: AwsClients,
): UnsubscribeDeps {
  return {
    ...signalDependencies(settings, clients),
    signingKey: signingKey(settings.unsubscribeSecretArn, clients),
    businessName: settings.businessName,
  };
}

export function smsInboundDependencies(
  settings: SettingsOf<'SmsInbound'>,
  clients: AwsClients,
): SmsInboundDeps {
  return {
    ...signalDependencies(settings, clients),
    ...replies(settings),
    sms: new SnsSmsSender({
      client: clients.sns,
      ...(settings.smsOriginationNumber ? { originationNumber: settings.smsOriginationNumber } : {}),
    }),
    mailer: forwardMailer(settings.senderEmail, clients),
    texts: {
      businessName: settings.businessName,
      ownerEmail: settings.ownerEmail,
      ...(settings.ownerPhone ? { ownerPhone: settings.ownerPhone } : {}),
    },
    optOuts:
      settings.smsOptOuts === 'self'
        ? { mode: 'self' }
        : { mode: 'aws', list: new SnsOptOutList(clients.sns) },
    ownerEmail: settings.ownerEmail,
    fallbackEmail: settings.fallbackEmail ?? settings.ownerEmail,
  };
}

export function outcomeDependencies(settings: SettingsOf<'Outcome'>, clients: AwsClients): OutcomeDeps {
  return {
    ...signalDependencies(settings, clients),
    ...replies(settings),
    signingKey: signingKey(settings.unsubscribeSecretArn, clients),
    businessName: settings.businessName,
  };
}

export function shopEventsDependencies(settings: SettingsOf<'ShopEvents'>, clients: AwsClients): SignalDeps {
  return signalDependencies(settings, clients);
}

export function shopWebhookDependencies(
  settings: SettingsOf<'ShopWebhook'>,
  clients: AwsClients,
): ShopWebhookDeps {
  const secrets = new SecretsManagerSecrets(clients.secrets);
  return {
    ...signalDependencies(settings, clients),
    webhookSecret: memoize(() => secrets.get(settings.shopWebhookSecretArn)),
  };
}
