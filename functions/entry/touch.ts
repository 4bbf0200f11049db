import { join } from 'node:path';
import { manifestTemplates } from '../adapters/template-manifest.ts';
import { TEMPLATE_MANIFEST } from '../core/template-source.ts';
import { makeTouchHandler } from '../handlers/touch.ts';
import { documents, secrets, ses, sns } from '../runtime/client-factories.ts';
import { lambdaClients } from '../runtime/clients.ts';
import { touchEnv } from '../runtime/env.ts';
import { touchDependenciesWith } from '../runtime/touch-wiring.ts';

// The Lambda entry: the environment read once, at cold start (docs/architecture.md §1.1); only the clients and the
// wiring it uses, and the templates as the manifest parsed at synth, so the bundle and its load stay small (§9).
const settings = touchEnv(process.env);
export const handler = makeTouchHandler(
  touchDependenciesWith(
    settings,
    lambdaClients({ documents, secrets, ses, sns }),
    manifestTemplates(join(settings.templatesDir, TEMPLATE_MANIFEST)),
  ),
);
