import { CadenceDirectory } from '../adapters/cadence-catalog.ts';
import { SecretsManagerSecrets } from '../adapters/secrets-manager.ts';
import { SesMailer } from '../adapters/ses-mailer.ts';
import { SnsOptOutList } from '../adapters/sns-opt-out-list.ts';
import { SnsSmsSender } from '../adapters/sns-sms-sender.ts';
import type { SmsReplyReader } from '../domain/inbound-sms.ts';
import type { CadenceCatalog } from '../domain/ports.ts';
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
  enrollDependenciesWith,
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
function signalDependencies(
  settings: Enrolling & Observed,
  clients: AwsClients,
  cadences: CadenceCatalog,
): SignalDeps {
  return { ...enrollDependenciesWith(settings, clients, cadences), ...measures(settings, clients) };
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

/** The cadence files: the functions whose bundle has no manifest, and the local runtime. */
const cadenceFiles = (settings: Pick<Settings, 'cadencesDir'>) => new CadenceDirectory(settings.cadencesDir);

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
  return readReplyDependenciesWith(settings, clients, cadenceFiles(settings));
}

/** The reply reader's around a cadence catalog: its bundle reads the manifest validated at synth (§9). */
export function readReplyDependenciesWith(
  settings: SettingsOf<'ReadReply'>,
  clients: AwsClients,
  cadences: CadenceCatalog,
): ReadReplyDeps {
  return {
    ...signalDependencies(settings, clients, cadences),
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
    ...signalDependencies(settings, clients, cadenceFiles(settings)),
    // Hard bounces and complaints fill the governor's reputation window (#15, docs/architecture.md §8.12).
    ...(settings.sending ? { sending: sendingGovernor(settings.sending, settings, clients) } : {}),
  };
}

export function unsubscribeDependencies(
  settings: SettingsOf<'Unsubscribe'>,
  clients: AwsClients,
): UnsubscribeDeps {
  return {
    ...signalDependencies(settings, clients, cadenceFiles(settings)),
    signingKey: signingKey(settings.unsubscribeSecretArn, clients),
    businessName: settings.businessName,
  };
}

/** SmsInbound's: the keywords and opt-outs in words are its own, a person's text goes to `reader` (§4.1). */
export function smsInboundDependencies(
  settings: SettingsOf<'SmsInbound'>,
  clients: AwsClients,
  reader: SmsReplyReader,
): SmsInboundDeps {
  return smsInboundDependenciesWith(settings, clients, reader, cadenceFiles(settings));
}

/** SmsInbound's around a cadence catalog: its bundle reads the manifest validated at synth (§9). */
export function smsInboundDependenciesWith(
  settings: SettingsOf<'SmsInbound'>,
  clients: AwsClients,
  reader: SmsReplyReader,
  cadences: CadenceCatalog,
): SmsInboundDeps {
  return {
    ...signalDependencies(settings, clients, cadences),
    reader,
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
    ...signalDependencies(settings, clients, cadenceFiles(settings)),
    ...replies(settings),
    signingKey: signingKey(settings.unsubscribeSecretArn, clients),
    businessName: settings.businessName,
  };
}

export function shopEventsDependencies(settings: SettingsOf<'ShopEvents'>, clients: AwsClients): SignalDeps {
  return signalDependencies(settings, clients, cadenceFiles(settings));
}

export function shopWebhookDependencies(
  settings: SettingsOf<'ShopWebhook'>,
  clients: AwsClients,
): ShopWebhookDeps {
  const secrets = new SecretsManagerSecrets(clients.secrets);
  return {
    ...signalDependencies(settings, clients, cadenceFiles(settings)),
    webhookSecret: memoize(() => secrets.get(settings.shopWebhookSecretArn)),
  };
}
