import { LambdaReplyReader } from '../adapters/lambda-reply-reader.ts';
import { makeSmsInboundHandler } from '../handlers/sms-inbound.ts';
import { CadenceManifest, cadenceManifestOf } from '../runtime/cadence-manifest.ts';
import { documents, lambda, ses, sfn, sns } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { smsInboundEnv } from '../runtime/env.ts';
import { smsInboundDependenciesWith } from '../runtime/signal-dependencies.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); only the clients and the
// wiring it uses, a person's text handed to the reader (ReadReply), so the bundle holds no reader (§4.1), and the
// cadences as the manifest validated at synth (§9).
const settings = smsInboundEnv(process.env);
const clients = lambdaClients({ documents, lambda, ses, sfn, sns });
export const handler = makeSmsInboundHandler(
  smsInboundDependenciesWith(
    settings,
    clients,
    new LambdaReplyReader({ client: clients.lambda, functionName: settings.readReplyFunction }),
    new CadenceManifest(cadenceManifestOf(settings.cadencesDir)),
  ),
);
