import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cadence } from '../core/cadence-schema.ts';
import { parseTemplate, TEMPLATE_EXTENSION } from '../core/template-file.ts';
import { usesCart } from '../core/templates.ts';

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
