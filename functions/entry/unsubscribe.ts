import { makeUnsubscribeHandler } from '../handlers/unsubscribe.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { unsubscribeDependencies } from '../runtime/dependencies.ts';
import { unsubscribeEnv } from '../runtime/env.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1).
const settings = unsubscribeEnv(process.env);
export const handler = makeUnsubscribeHandler(
  unsubscribeDependencies(settings, lambdaClients(settings.serviceName)),
);
