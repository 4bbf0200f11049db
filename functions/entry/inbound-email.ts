import { makeInboundEmailHandler } from '../handlers/inbound-email.ts';
import { lambda, s3 } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { inboundEmailEnv } from '../runtime/env.ts';
import { inboundEmailDependencies } from '../runtime/inbound-dependencies.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); the mail parser holds
// only the S3 and Lambda clients, as its role holds only their grants (docs/architecture.md §4.1).
const settings = inboundEmailEnv(process.env);
export const handler = makeInboundEmailHandler(
  inboundEmailDependencies(settings, lambdaClients({ lambda, s3 })),
);
