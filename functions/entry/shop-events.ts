import { makeShopEventsHandler } from '../handlers/shop-events.ts';
import { documents, sfn } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { shopEventsEnv } from '../runtime/env.ts';
import { shopEventsDependencies } from '../runtime/signal-dependencies.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); only the clients and the
// wiring it uses, so the bundle and its load stay small (docs/architecture.md §9).
const settings = shopEventsEnv(process.env);
export const handler = makeShopEventsHandler(
  shopEventsDependencies(settings, lambdaClients({ documents, sfn })),
);
