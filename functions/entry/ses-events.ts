import { makeSesEventsHandler } from '../handlers/ses-events.ts';
import { documents, sfn } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { sesEventsEnv } from '../runtime/env.ts';
import { sesEventsDependencies } from '../runtime/signal-dependencies.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); only the clients and the
// wiring it uses, so the bundle and its load stay small (docs/architecture.md §9).
const settings = sesEventsEnv(process.env);
export const handler = makeSesEventsHandler(
  sesEventsDependencies(settings, lambdaClients({ documents, sfn })),
);
