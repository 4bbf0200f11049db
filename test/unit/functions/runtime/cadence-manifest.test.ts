import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CadenceDirectory } from '../../../../functions/adapters/cadence-catalog.ts';
import { CadenceInvalid } from '../../../../functions/core/cadence.ts';
import {
  CADENCE_MANIFEST,
  CadenceManifest,
  cadenceManifestOf,
  parseCadenceManifest,
} from '../../../../functions/runtime/cadence-manifest.ts';
import { cadenceManifestJson, writeCadenceManifestCommand } from '../../../../lib/followup-function.ts';

/*
 * The reply functions' bundles read their cadences from a manifest validated at synth (docs/architecture.md §9):
 * what they read must be exactly what the local runtime reads from the files, and a bad cadence must stop synth.
 */

const CADENCES = new URL('../../../../cadences', import.meta.url).pathname;

/** A bundle's root with its cadence folder and the manifest, written by the command the stack runs after bundling. */
function bundleWith(json: string): string {
  const out = mkdtempSync(join(tmpdir(), 'followup-cadence-manifest-'));
  mkdirSync(join(out, 'cadences'));
  const run = spawnSync('bash', ['-c', writeCadenceManifestCommand(json, out)], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return join(out, 'cadences');
}

describe('the cadence manifest', () => {
  it('gives the reply functions every shipped cadence exactly as the files read', async () => {
    // Prepare
    const cadencesDir = bundleWith(cadenceManifestJson(CADENCES));
    const files = new CadenceDirectory(CADENCES);

    // Act
    const manifest = new CadenceManifest(cadenceManifestOf(cadencesDir));

    // Assess
    const ids = await files.ids();
    expect(await manifest.ids()).toEqual(ids);
    for (const id of ids) expect(await manifest.get(id)).toEqual(await files.get(id));
    expect(await manifest.get('no-such-cadence')).toBeUndefined();
  });

  it('lies beside the cadence folder, at the bundle root', () => {
    expect(cadenceManifestOf('/var/task/cadences')).toBe(`/var/task/${CADENCE_MANIFEST}`);
    expect(cadenceManifestOf('/var/task/cadences/')).toBe(`/var/task/${CADENCE_MANIFEST}`);
  });

  it('stops synth on a bad cadence, naming the file', () => {
    // Prepare: a shipped cadence and one with a step that names no template
    const dir = mkdtempSync(join(tmpdir(), 'followup-cadences-'));
    copyFileSync(join(CADENCES, 'web-inquiry.json'), join(dir, 'web-inquiry.json'));
    writeFileSync(
      join(dir, 'broken.json'),
      JSON.stringify({ id: 'broken', name: 'Broken', steps: [{ day: 1, channel: 'email' }] }),
    );

    // Act
    const build = () => cadenceManifestJson(dir);

    // Assess
    expect(build).toThrow(CadenceInvalid);
    expect(build).toThrow(/broken\.json/);
  });

  it('refuses a file that is not a manifest, naming it, and reads it again on the next call', async () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'followup-cadence-manifest-'));
    const file = join(root, CADENCE_MANIFEST);
    writeFileSync(file, JSON.stringify({ id: 'web-inquiry' }));
    const manifest = new CadenceManifest(file);

    // Act / Assess
    await expect(manifest.ids()).rejects.toThrow(`${file} is not a cadence manifest`);
    expect(() => parseCadenceManifest(file, '[{"id": 1, "steps": []}]')).toThrow(/not a cadence manifest/);
    writeFileSync(file, cadenceManifestJson(CADENCES));
    expect(await manifest.ids()).toContain('web-inquiry');
  });
});
