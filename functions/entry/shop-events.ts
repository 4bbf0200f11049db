import { makeShopEventsHandler } from '../handlers/shop-events.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { shopEventsDependencies } from '../runtime/dependencies.ts';
import { shopEventsEnv } from '../runtime/env.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1).
const settings = shopEventsEnv(process.env);
export const handler = makeShopEventsHandler(
  shopEventsDependencies(settings, lambdaClients(settings.serviceName)),
);
