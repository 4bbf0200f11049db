import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseCadence } from '../functions/core/cadence.ts';
import type { Cadence } from '../functions/core/cadence-schema.ts';
import { parseTemplate, TEMPLATE_EXTENSION, usesCart } from '../functions/core/templates.ts';
import { ConfigInvalid } from './config.ts';

/** Every cadence in `dir`, validated as `followup cadence validate` does; synth stops on the first bad file. */
export function loadCadencesSync(dir: string): Cadence[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'cadence.schema.json')
    .sort();
  const known = new Set(files.map((f) => basename(f, '.json')));
  return files.map((file) => {
    const result = parseCadence(JSON.parse(readFileSync(join(dir, file), 'utf8')), {
      fileId: basename(file, '.json'),
      knownCadences: known,
    });
    if (!result.ok) {
      const lines = result.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
      throw new ConfigInvalid(
        `cadences/${file} is not valid:\n${lines}\nRun \`npx followup cadence validate\`.`,
      );
    }
    return result.cadence;
  });
}

/** The cadences a step of which renders `cart.*`: only a shop event can start them, never a form. */
export function cartCadenceIds(cadences: readonly Cadence[], templatesDir: string): Set<string> {
  const cart = (name: string) => {
    const file = join(templatesDir, `${name}${TEMPLATE_EXTENSION}`);
    if (!existsSync(file)) return false; // `followup cadence validate` names a missing template
    try {
      return usesCart(parseTemplate(name, readFileSync(file, 'utf8')));
    } catch {
      return false; // a template that does not parse is validate's to report, with its line
    }
  };
  return new Set(cadences.filter((c) => c.steps.some((s) => cart(s.template))).map((c) => c.id));
}
