import { makeSmsInboundHandler } from '../handlers/sms-inbound.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { smsInboundDependencies } from '../runtime/dependencies.ts';
import { smsInboundEnv } from '../runtime/env.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1).
const settings = smsInboundEnv(process.env);
export const handler = makeSmsInboundHandler(
  smsInboundDependencies(settings, lambdaClients(settings.serviceName)),
);
