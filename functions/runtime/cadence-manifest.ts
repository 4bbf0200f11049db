import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Cadence } from '../core/cadence-schema.ts';
import type { CadenceCatalog } from '../domain/ports.ts';

/*
 * The cadences as a Lambda bundle carries them for the functions that read replies: validated at synth by the same
 * loadCadencesSync `followup cadence validate` runs, and shipped as the parsed cadences in one JSON file
 * (lib/followup-function.ts), so these functions bundle no cadence validation (docs/architecture.md §9). The local
 * runtime and the CLI read the cadence files themselves (CadenceDirectory), so an edit shows at once.
 */

export const CADENCE_MANIFEST = 'cadences.json';

/** The bundle's manifest: beside its cadence folder, at the bundle's root. */
export const cadenceManifestOf = (cadencesDir: string): string =>
  join(dirname(cadencesDir.replace(/\/+$/, '')), CADENCE_MANIFEST);

const isCadence = (value: unknown): value is Cadence =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { id?: unknown }).id === 'string' &&
  Array.isArray((value as { steps?: unknown }).steps);

/** Parses a manifest's text; throws naming the file when it is not what lib/followup-function.ts writes. */
export function parseCadenceManifest(file: string, text: string): Cadence[] {
  const data: unknown = JSON.parse(text);
  if (!Array.isArray(data) || !data.every(isCadence)) {
    throw new Error(
      `${file} is not a cadence manifest; bundle the function again (lib/followup-function.ts)`,
    );
  }
  return data;
}

/** The catalog over a bundled manifest: read once, on first use in a cold start (it never changes under a function). */
export class CadenceManifest implements CadenceCatalog {
  private loading: Promise<ReadonlyMap<string, Cadence>> | undefined;

  constructor(private readonly file: string) {}

  async get(id: string): Promise<Cadence | undefined> {
    return (await this.load()).get(id);
  }

  async ids(): Promise<readonly string[]> {
    return [...(await this.load()).keys()];
  }

  private load(): Promise<ReadonlyMap<string, Cadence>> {
    this.loading ??= readFile(this.file, 'utf8')
      .then((text) => new Map(parseCadenceManifest(this.file, text).map((c) => [c.id, c] as const)))
      .catch((error: unknown) => {
        this.loading = undefined;
        throw error;
      });
    return this.loading;
  }
}
