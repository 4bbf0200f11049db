import { loadTemplate } from '../adapters/template-files.ts';
import type { TouchDeps } from '../domain/touch.ts';
import type { AwsClients } from './clients.ts';
import type { SettingsOf } from './env.ts';
import { touchDependenciesWith } from './touch-wiring.ts';

/*
 * The Touch function's dependencies reading the template files at send time, as the local runtime and the CLI do:
 * a marketer's edit reaches the next touch. The Lambda bundle reads the manifest instead (functions/entry/touch.ts).
 */

export function touchDependencies(settings: SettingsOf<'Touch'>, clients: AwsClients): TouchDeps {
  return touchDependenciesWith(settings, clients, (name) => loadTemplate(settings.templatesDir, name));
}
