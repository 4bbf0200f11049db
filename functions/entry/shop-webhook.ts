import { makeShopWebhookHandler } from '../handlers/shop-webhook.ts';
import { documents, secrets, sfn } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { shopWebhookDependencies } from '../runtime/dependencies.ts';
import { shopWebhookEnv } from '../runtime/env.ts';
import { lambdaTracer } from '../runtime/tracer.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); only the clients it uses
// and the tracer only when tracing is on, so the bundle and its load stay small (docs/architecture.md §9).
const settings = shopWebhookEnv(process.env);
const tracer = await lambdaTracer(settings.serviceName, process.env);
export const handler = makeShopWebhookHandler(
  shopWebhookDependencies(settings, lambdaClients({ documents, secrets, sfn }, tracer)),
);
