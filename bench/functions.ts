import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { loadCadencesSync } from '../functions/adapters/cadence-files.ts';
import { loadConfig } from '../functions/adapters/config-file.ts';
import { environmentFor, FUNCTION_NAMES } from '../functions/runtime/env.ts';
import { settingsFromConfig } from '../functions/runtime/settings.ts';

export interface FunctionFigures {
  readonly name: string;
  readonly bundleBytes: number;
  readonly unbundledBytes: number;
  readonly loadMsBundled: number;
  readonly loadMsUnbundled: number;
}

/** What the entry files need in their environment to load (they validate it at cold start), as the stack sets it. */
function loadEnvironment(root: string): Record<string, string> {
  const cadences = loadCadencesSync(join(root, 'cadences'));
  const config = loadConfig(join(root, 'followup.config.json'), new Set(cadences.map((c) => c.id)));
  const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:123456789012:${resource}`;
  const settings = settingsFromConfig(config, {
    tableName: 'bench',
    stateMachineArnTemplate: arn('states', 'stateMachine:Followup-{cadence}:live'),
    cadencesDir: join(root, 'cadences'),
    templatesDir: join(root, 'templates'),
    unsubscribeSecretArn: arn('secretsmanager', 'secret:bench'),
    shopWebhookSecretArn: arn('secretsmanager', 'secret:bench'),
    inboundBucket: 'bench-inbound-mail',
    inboundPrefix: 'inbound/',
    apiUrl: 'https://bench.execute-api.us-east-1.amazonaws.com',
  });
  return Object.assign(
    { AWS_REGION: 'us-east-1' },
    ...FUNCTION_NAMES.map((name) => environmentFor(name, settings)),
  );
}

/** The Lambda bundle as FollowupFunction builds it (lib/followup-function.ts): ESM, minified, SDK inside. */
const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'silent',
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Module-load time in fresh processes, as a cold start pays it (median of `runs`). */
function loadMs(file: string, root: string, runs: number, environment: Record<string, string>): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, ...environment },
      encoding: 'utf8',
    });
    if (result.status !== 0)
      throw new Error(`loading ${basename(file)} failed: ${result.stderr.split('\n')[0]}`);
    times.push(Number(result.stdout));
  }
  return Math.round(median(times) * 10) / 10;
}

/**
 * Per function: the bundle Lambda runs (its entry file, functions/entry/), and the unbundled baseline (our code compiled, every dependency loaded
 * from node_modules file by file, as a zip of node_modules would), both loaded in fresh processes.
 */
export async function measureFunctions(root: string, runs = 21): Promise<FunctionFigures[]> {
  const entryDir = join(root, 'functions/entry');
  const environment = loadEnvironment(root);
  const out = mkdtempSync(join(tmpdir(), 'followup-bench-'));
  const figures: FunctionFigures[] = [];
  for (const file of readdirSync(entryDir)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    const name = basename(file, '.ts');
    const entry = join(entryDir, file);
    const bundled = join(out, `${name}.bundled.mjs`);
    // The unbundled build lives beside node_modules so its imports resolve there.
    const unbundled = join(root, 'node_modules/.cache/followup-bench', `${name}.mjs`);
    await build({ ...BUNDLE_OPTIONS, entryPoints: [entry], outfile: bundled });
    await build({
      ...BUNDLE_OPTIONS,
      entryPoints: [entry],
      outfile: unbundled,
      packages: 'external',
      minify: false,
    });
    figures.push({
      name,
      bundleBytes: statSync(bundled).size,
      unbundledBytes: statSync(unbundled).size,
      loadMsBundled: loadMs(bundled, root, runs, environment),
      loadMsUnbundled: loadMs(unbundled, root, runs, environment),
    });
  }
  return figures;
}
