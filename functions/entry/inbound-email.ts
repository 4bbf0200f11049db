import { makeInboundEmailHandler } from '../handlers/inbound-email.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { inboundEmailDependencies } from '../runtime/dependencies.ts';
import { inboundEmailEnv } from '../runtime/env.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1).
const settings = inboundEmailEnv(process.env);
export const handler = makeInboundEmailHandler(
  inboundEmailDependencies(settings, lambdaClients(settings.serviceName)),
);
