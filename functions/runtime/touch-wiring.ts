import { CadenceDirectory } from '../adapters/cadence-catalog.ts';
import { DynamoLeadStore } from '../adapters/dynamo/lead-store.ts';
import { DynamoPromotionStore } from '../adapters/dynamo/promotion-store.ts';
import { SecretsManagerSecrets } from '../adapters/secrets-manager.ts';
import { SesMailer } from '../adapters/ses-mailer.ts';
import { SnsSmsSender } from '../adapters/sns-sms-sender.ts';
import { CachedPromotions } from '../domain/promotion-cache.ts';
import type { TouchDeps } from '../domain/touch.ts';
import type { AwsClients } from './clients.ts';
import { loggerFor, measures, memoize } from './enroll-dependencies.ts';
import type { SettingsOf } from './env.ts';
import { touchGovernor } from './touch-governor.ts';
import { touchSettings } from './touch-settings.ts';

/*
 * The Touch function's dependencies around a template reader: the bundle hands it the manifest parsed at synth
 * (functions/entry/touch.ts), the local runtime the template files themselves (touch-dependencies.ts), so the YAML
 * parser is in no bundle (docs/architecture.md §9).
 */

export function touchDependenciesWith(
  settings: SettingsOf<'Touch'>,
  clients: AwsClients,
  templates: TouchDeps['templates'],
): TouchDeps {
  const secrets = new SecretsManagerSecrets(clients.secrets);
  const logger = loggerFor(settings);
  return {
    store: new DynamoLeadStore({ client: clients.documents, tableName: settings.tableName }),
    mailer: new SesMailer({
      client: clients.ses,
      from: settings.senderEmail,
      ...(settings.configurationSet ? { configurationSet: settings.configurationSet } : {}),
    }),
    sms: new SnsSmsSender({
      client: clients.sns,
      ...(settings.smsOriginationNumber ? { originationNumber: settings.smsOriginationNumber } : {}),
    }),
    cadences: new CadenceDirectory(settings.cadencesDir),
    promotions: new CachedPromotions(
      new DynamoPromotionStore({ client: clients.documents, tableName: settings.tableName }),
    ),
    templates,
    signingKey: memoize(() => secrets.get(settings.unsubscribeSecretArn)),
    settings: touchSettings(settings),
    logger,
    ...measures(settings, clients),
    ...(settings.sending ? { governor: touchGovernor(settings.sending, settings, clients, logger) } : {}),
  };
}
