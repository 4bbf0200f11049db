import { makeReadReplyHandler } from '../handlers/read-reply.ts';
import { documents, secrets, ses, sfn } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { readReplyEnv } from '../runtime/env.ts';
import { readReplyDependencies } from '../runtime/signal-dependencies.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); only the clients and the
// wiring it uses, so the bundle and its load stay small (docs/architecture.md §9).
const settings = readReplyEnv(process.env);
export const handler = makeReadReplyHandler(
  readReplyDependencies(settings, lambdaClients({ documents, secrets, ses, sfn })),
);
