import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';

export interface FunctionFigures {
  readonly name: string;
  readonly bundleBytes: number;
  readonly unbundledBytes: number;
  readonly loadMsBundled: number;
  readonly loadMsUnbundled: number;
}

// What the handlers need in their environment to load (they validate it at cold start).
const LOAD_ENV = {
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 'bench',
  STATE_MACHINE_ARN_TEMPLATE: 'arn:aws:states:us-east-1:123456789012:stateMachine:Followup-{cadence}:live',
  SENDER_EMAIL: 'Bench <bench@example.com>',
  REPLY_DOMAIN: 'reply.example.com',
  UNSUBSCRIBE_BASE_URL: 'https://example.com/u/',
  UNSUBSCRIBE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench',
  SHOP_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench',
  INBOUND_BUCKET: 'bench-inbound-mail',
  BUSINESS_NAME: 'Bench Co',
  POSTAL_ADDRESS: '1 Bench Street, Springfield',
  OWNER_NAME: 'Bench Owner',
  OWNER_EMAIL: 'owner@example.com',
  DEFAULT_TIME_ZONE: 'UTC',
};

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
function loadMs(file: string, root: string, runs: number): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      env: {
        ...process.env,
        ...LOAD_ENV,
        CADENCES_DIR: join(root, 'cadences'),
        TEMPLATES_DIR: join(root, 'templates'),
      },
      encoding: 'utf8',
    });
    if (result.status !== 0)
      throw new Error(`loading ${basename(file)} failed: ${result.stderr.split('\n')[0]}`);
    times.push(Number(result.stdout));
  }
  return Math.round(median(times) * 10) / 10;
}

/**
 * Per handler: the bundle Lambda runs, and the unbundled baseline (our code compiled, every dependency loaded
 * from node_modules file by file, as a zip of node_modules would), both loaded in fresh processes.
 */
export async function measureFunctions(root: string, runs = 21): Promise<FunctionFigures[]> {
  const handlersDir = join(root, 'functions/handlers');
  const out = mkdtempSync(join(tmpdir(), 'followup-bench-'));
  const figures: FunctionFigures[] = [];
  for (const file of readdirSync(handlersDir)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    const name = basename(file, '.ts');
    const entry = join(handlersDir, file);
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
      loadMsBundled: loadMs(bundled, root, runs),
      loadMsUnbundled: loadMs(unbundled, root, runs),
    });
  }
  return figures;
}
