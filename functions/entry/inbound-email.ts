import { makeInboundEmailHandler } from '../handlers/inbound-email.ts';
import { documents, s3, secrets, ses, sfn } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { inboundEmailEnv } from '../runtime/env.ts';
import { inboundEmailDependencies } from '../runtime/signal-dependencies.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); only the clients and the
// wiring it uses, so the bundle and its load stay small (docs/architecture.md §9).
const settings = inboundEmailEnv(process.env);
export const handler = makeInboundEmailHandler(
  inboundEmailDependencies(settings, lambdaClients({ documents, s3, secrets, ses, sfn })),
);
