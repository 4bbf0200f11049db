import { join } from 'node:path';
import { loadCadencesSync } from '../../functions/adapters/cadence-files.ts';
import { loadConfig } from '../../functions/adapters/config-file.ts';
import type { Cadence } from '../../functions/core/cadence-schema.ts';
import { UserError } from '../../functions/core/errors.ts';
import { CART_CADENCE } from '../../functions/domain/shop.ts';

/** The cadence `id` of the project at `root`; its `then` runs once after it. */
export function cadenceIn(root: string, id: string): Cadence {
  const cadences = loadCadencesSync(join(root, 'cadences'));
  const cadence = cadences.find((c) => c.id === id);
  if (!cadence) {
    throw new UserError(`unknown cadence "${id}"; choose one of: ${cadences.map((c) => c.id).join(', ')}`);
  }
  return cadence;
}

/**
 * simulate's leads sign up through the form, as a real visitor would (the cart cadence's come from the shop), so the
 * form must be allowed to start the cadence: said before any engine starts, with the setting that allows it.
 */
export function checkFormStarts(root: string, cadence: Pick<Cadence, 'id'>): void {
  if (cadence.id === CART_CADENCE) return;
  // The config as every engine loads it, so a broken one fails here with the loader's own message.
  const ids = new Set(loadCadencesSync(join(root, 'cadences')).map((c) => c.id));
  const { formCadences } = loadConfig(join(root, 'followup.config.json'), ids);
  if (!formCadences.includes(cadence.id)) {
    throw new UserError(
      `"${cadence.id}" is not one a form can start: add it to "formCadences" in followup.config.json (now: ${formCadences.join(', ')}), then simulate it`,
    );
  }
}
