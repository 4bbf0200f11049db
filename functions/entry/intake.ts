import { makeIntakeHandler } from '../handlers/intake.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { intakeDependencies } from '../runtime/dependencies.ts';
import { intakeEnv } from '../runtime/env.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1).
const settings = intakeEnv(process.env);
export const handler = makeIntakeHandler(intakeDependencies(settings, lambdaClients(settings.serviceName)));
