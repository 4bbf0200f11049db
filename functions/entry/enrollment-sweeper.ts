import { makeEnrollmentSweeperHandler } from '../handlers/enrollment-sweeper.ts';
import { documents, ses, sfn, sns } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { enrollmentSweeperDependencies } from '../runtime/enroll-dependencies.ts';
import { enrollmentSweeperEnv } from '../runtime/env.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); only the clients and the
// wiring it uses, so the bundle and its load stay small (docs/architecture.md §9).
const settings = enrollmentSweeperEnv(process.env);
export const handler = makeEnrollmentSweeperHandler(
  enrollmentSweeperDependencies(settings, lambdaClients({ documents, sfn, ses, sns })),
);
