import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadCadencesSync } from '../functions/adapters/cadence-files.ts';
import { cartCadenceIds } from '../functions/adapters/cart-cadences.ts';
import { loadConfig } from '../functions/adapters/config-file.ts';
import { FollowupStack } from '../lib/followup-stack.ts';

const app = new App();
const root = new URL('..', import.meta.url).pathname;
const cadences = loadCadencesSync(`${root}cadences`);
const configFile = app.node.tryGetContext('config') ?? `${root}followup.config.json`;
const config = loadConfig(configFile, new Set(cadences.map((c) => c.id)), {
  cartCadences: cartCadenceIds(cadences, `${root}templates`),
});

new FollowupStack(app, app.node.tryGetContext('stackName') ?? 'Followup', {
  config,
  cadences,
  description: 'Followup: reply-aware lead follow-up cadences on Step Functions',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
