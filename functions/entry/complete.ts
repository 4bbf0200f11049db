import { makeCompleteHandler } from '../handlers/complete.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { completeDependencies } from '../runtime/dependencies.ts';
import { completeEnv } from '../runtime/env.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1).
const settings = completeEnv(process.env);
export const handler = makeCompleteHandler(
  completeDependencies(settings, lambdaClients(settings.serviceName)),
);
