import { makeEnrollmentSweeperHandler } from '../handlers/enrollment-sweeper.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { enrollmentSweeperDependencies } from '../runtime/dependencies.ts';
import { enrollmentSweeperEnv } from '../runtime/env.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1).
const settings = enrollmentSweeperEnv(process.env);
export const handler = makeEnrollmentSweeperHandler(
  enrollmentSweeperDependencies(settings, lambdaClients(settings.serviceName)),
);
