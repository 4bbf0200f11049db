import type { Cadence } from '../core/cadence-schema.ts';
import type { CadenceCatalog } from '../domain/ports.ts';
import { loadCadencesSync } from './cadence-files.ts';

/** The cadences a function was bundled with: read and validated once per cold start, on first use. */
export class CadenceDirectory implements CadenceCatalog {
  private loading: Promise<ReadonlyMap<string, Cadence>> | undefined;

  constructor(private readonly dir: string) {}

  async get(id: string): Promise<Cadence | undefined> {
    return (await this.load()).get(id);
  }

  async ids(): Promise<readonly string[]> {
    return [...(await this.load()).keys()];
  }

  private load(): Promise<ReadonlyMap<string, Cadence>> {
    this.loading ??= this.read().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  private async read(): Promise<ReadonlyMap<string, Cadence>> {
    // A bad file fails loudly: `followup cadence validate` and synth reject it before it can be deployed.
    return new Map(loadCadencesSync(this.dir).map((c) => [c.id, c]));
  }
}

/** A fixed set of cadences: tests, and callers that have already loaded them. */
export class StaticCadenceCatalog implements CadenceCatalog {
  private readonly byId: ReadonlyMap<string, Cadence>;

  constructor(cadences: readonly Cadence[]) {
    this.byId = new Map(cadences.map((c) => [c.id, c]));
  }

  async get(id: string): Promise<Cadence | undefined> {
    return this.byId.get(id);
  }

  async ids(): Promise<readonly string[]> {
    return [...this.byId.keys()];
  }
}
