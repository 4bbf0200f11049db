import { join } from 'node:path';
import { loadCadencesSync } from '../../functions/adapters/cadence-files.ts';
import type { Cadence } from '../../functions/core/cadence-schema.ts';
import { UserError } from '../../functions/core/errors.ts';

/** The cadence `id` of the project at `root`; its `then` runs once after it. */
export function cadenceIn(root: string, id: string): Cadence {
  const cadences = loadCadencesSync(join(root, 'cadences'));
  const cadence = cadences.find((c) => c.id === id);
  if (!cadence) {
    throw new UserError(`unknown cadence "${id}"; choose one of: ${cadences.map((c) => c.id).join(', ')}`);
  }
  return cadence;
}
