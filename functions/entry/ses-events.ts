import { makeSesEventsHandler } from '../handlers/ses-events.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { sesEventsDependencies } from '../runtime/dependencies.ts';
import { sesEventsEnv } from '../runtime/env.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1).
const settings = sesEventsEnv(process.env);
export const handler = makeSesEventsHandler(
  sesEventsDependencies(settings, lambdaClients(settings.serviceName)),
);
