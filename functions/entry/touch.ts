import { makeTouchHandler } from '../handlers/touch.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { touchDependencies } from '../runtime/dependencies.ts';
import { touchEnv } from '../runtime/env.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1).
const settings = touchEnv(process.env);
export const handler = makeTouchHandler(touchDependencies(settings, lambdaClients(settings.serviceName)));
