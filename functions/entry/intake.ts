import { makeIntakeHandler } from '../handlers/intake.ts';
import { documents, sfn } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { intakeDependencies } from '../runtime/enroll-dependencies.ts';
import { intakeEnv } from '../runtime/env.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); only the clients and the
// wiring it uses, so the bundle and its load stay small (docs/architecture.md §9).
const settings = intakeEnv(process.env);
export const handler = makeIntakeHandler(intakeDependencies(settings, lambdaClients({ documents, sfn })));
