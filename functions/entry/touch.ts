import { makeTouchHandler } from '../handlers/touch.ts';
import { documents, secrets, ses, sns } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { touchEnv } from '../runtime/env.ts';
import { touchDependencies } from '../runtime/touch-dependencies.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); only the clients and the
// wiring it uses, so the bundle and its load stay small (docs/architecture.md §9).
const settings = touchEnv(process.env);
export const handler = makeTouchHandler(
  touchDependencies(settings, lambdaClients({ documents, secrets, ses, sns })),
);
