import { makeCompleteHandler } from '../handlers/complete.ts';
import { documents, sfn } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { completeDependencies } from '../runtime/enroll-dependencies.ts';
import { completeEnv } from '../runtime/env.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); only the clients and the
// wiring it uses, so the bundle and its load stay small (docs/architecture.md §9).
const settings = completeEnv(process.env);
export const handler = makeCompleteHandler(completeDependencies(settings, lambdaClients({ documents, sfn })));
