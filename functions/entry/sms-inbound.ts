import { makeSmsInboundHandler } from '../handlers/sms-inbound.ts';
import { documents, ses, sfn, sns } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { smsInboundEnv } from '../runtime/env.ts';
import { smsInboundDependencies } from '../runtime/signal-dependencies.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); only the clients and the
// wiring it uses, so the bundle and its load stay small (docs/architecture.md §9).
const settings = smsInboundEnv(process.env);
export const handler = makeSmsInboundHandler(
  smsInboundDependencies(settings, lambdaClients({ documents, ses, sfn, sns })),
);
