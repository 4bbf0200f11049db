import { makeUnsubscribeHandler } from '../handlers/unsubscribe.ts';
import { documents, secrets, sfn } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { unsubscribeEnv } from '../runtime/env.ts';
import { unsubscribeDependencies } from '../runtime/signal-dependencies.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); only the clients and the
// wiring it uses, so the bundle and its load stay small (docs/architecture.md §9).
const settings = unsubscribeEnv(process.env);
export const handler = makeUnsubscribeHandler(
  unsubscribeDependencies(settings, lambdaClients({ documents, secrets, sfn })),
);
