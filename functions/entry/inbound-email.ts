import { makeInboundEmailHandler } from '../handlers/inbound-email.ts';
import { documents, s3, secrets, ses, sfn } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { inboundEmailDependencies } from '../runtime/dependencies.ts';
import { inboundEmailEnv } from '../runtime/env.ts';
import { lambdaTracer } from '../runtime/tracer.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); only the clients it uses
// and the tracer only when tracing is on, so the bundle and its load stay small (docs/architecture.md §9).
const settings = inboundEmailEnv(process.env);
const tracer = await lambdaTracer(settings.serviceName, process.env);
export const handler = makeInboundEmailHandler(
  inboundEmailDependencies(settings, lambdaClients({ documents, s3, secrets, ses, sfn }, tracer)),
);
