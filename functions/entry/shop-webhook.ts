import { makeShopWebhookHandler } from '../handlers/shop-webhook.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { shopWebhookDependencies } from '../runtime/dependencies.ts';
import { shopWebhookEnv } from '../runtime/env.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1).
const settings = shopWebhookEnv(process.env);
export const handler = makeShopWebhookHandler(
  shopWebhookDependencies(settings, lambdaClients(settings.serviceName)),
);
