import { makeReadReplyHandler } from '../handlers/read-reply.ts';
import { CadenceManifest, cadenceManifestOf } from '../runtime/cadence-manifest.ts';
import { documents, secrets, ses, sfn } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { readReplyEnv } from '../runtime/env.ts';
import { readReplyDependenciesWith } from '../runtime/signal-dependencies.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); only the clients and the
// wiring it uses, and the cadences as the manifest validated at synth, so the bundle and its load stay small (§9).
const settings = readReplyEnv(process.env);
export const handler = makeReadReplyHandler(
  readReplyDependenciesWith(
    settings,
    lambdaClients({ documents, secrets, ses, sfn }),
    new CadenceManifest(cadenceManifestOf(settings.cadencesDir)),
  ),
);
