import { makeOutcomeHandler } from '../handlers/outcome.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { outcomeDependencies } from '../runtime/dependencies.ts';
import { outcomeEnv } from '../runtime/env.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1).
const settings = outcomeEnv(process.env);
export const handler = makeOutcomeHandler(outcomeDependencies(settings, lambdaClients(settings.serviceName)));
