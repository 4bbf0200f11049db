import { makeShopWebhookHandler } from '../handlers/shop-webhook.ts';
import { documents, secrets, sfn } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { shopWebhookEnv } from '../runtime/env.ts';
import { shopWebhookDependencies } from '../runtime/signal-dependencies.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); only the clients and the
// wiring it uses, so the bundle and its load stay small (docs/architecture.md §9).
const settings = shopWebhookEnv(process.env);
export const handler = makeShopWebhookHandler(
  shopWebhookDependencies(settings, lambdaClients({ documents, secrets, sfn })),
);
