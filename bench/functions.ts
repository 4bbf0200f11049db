import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { loadCadencesSync } from '../functions/adapters/cadence-files.ts';
import { loadConfig } from '../functions/adapters/config-file.ts';
import { environmentFor, FUNCTION_NAMES } from '../functions/runtime/env.ts';
import { settingsFromConfig } from '../functions/runtime/settings.ts';
import { BUNDLE_FILE, bundleFunction, LAMBDA_BUILD_OPTIONS, ROOT } from '../scripts/lambda-bundle.ts';
import type { Budget, Measured } from './budget.ts';

export interface FunctionFigures {
  readonly name: string;
  readonly bundleBytes: number;
  readonly unbundledBytes: number;
  readonly loadMsBundled: number;
  readonly loadMsUnbundled: number;
  /**
   * The bundle's load in Lambda's environment (AWS_EXECUTION_ENV set, X-Ray active): the same code loads, since no
   * function loads the X-Ray SDK (docs/architecture.md §9); kept so a tracer that came back would show here.
   */
  readonly loadMsBundledTraced: number;
  /** The biggest packages in the bundle, in bytes of output. */
  readonly biggest: readonly { readonly what: string; readonly bytes: number }[];
}

/** docs/architecture.md §9: a cold start's code is small and loads in a quarter of the unbundled build's time. */
export const MAX_BUNDLE_BYTES = 600 * 1024;
export const MAX_LOAD_RATIO = 0.25;

/** What the entry files need in their environment to load (they validate it at cold start), as the stack sets it. */
export function lambdaEnvironment(root: string): Record<string, string> {
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
  // The stack names the reader for the mail parser (lib/inbound-email.ts) and SmsInbound (lib/signals.ts).
  const deployed = { ...settings, readReplyFunction: 'Followup-ReadReply' };
  return Object.assign(
    { AWS_REGION: 'us-east-1' },
    ...FUNCTION_NAMES.map((name) => environmentFor(name, deployed)),
  );
}

/** Lambda's own marker, by which Powertools would turn tracing on. */
const ON_LAMBDA = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };

/** The unbundled baseline: the same build with every package loaded from node_modules, unminified. */
const UNBUNDLED_OPTIONS: BuildOptions = {
  ...LAMBDA_BUILD_OPTIONS,
  packages: 'external',
  minify: false,
  logLevel: 'silent',
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One module load in a fresh process, as a cold start pays it. */
function loadOnce(file: string, root: string, environment: Record<string, string>): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, ...environment },
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`loading ${basename(file)} failed: ${result.stderr.split('\n')[0]}`);
  return Number(result.stdout);
}

/**
 * The median load of each variant over `runs` rounds, the variants taking turns within a round so a busy spell on
 * this shared machine slows every variant alike and the ratio holds.
 */
function loadMs(
  variants: readonly { file: string; environment: Record<string, string> }[],
  root: string,
  runs: number,
): number[] {
  const times = variants.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    for (const [j, v] of variants.entries()) times[j]?.push(loadOnce(v.file, root, v.environment));
  }
  return times.map((t) => Math.round(median(t) * 10) / 10);
}

/** Output bytes per package (node_modules/<package>) or per folder of ours (functions/<folder>), biggest first. */
export function bytesByPackage(metafile: Metafile): { what: string; bytes: number }[] {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const what =
        input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? input.split('/').slice(0, 2).join('/');
      bytes.set(what, (bytes.get(what) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes].map(([what, b]) => ({ what, bytes: b })).sort((a, b) => b.bytes - a.bytes);
}

const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;

function budgetsOf(f: FunctionFigures): Budget[] {
  const ratio = f.loadMsBundled / f.loadMsUnbundled;
  return [
    {
      budget: `${f.name}: bundle ≤ ${kb(MAX_BUNDLE_BYTES)}`,
      pass: f.bundleBytes <= MAX_BUNDLE_BYTES,
      figure: kb(f.bundleBytes),
    },
    {
      budget: `${f.name}: module load ≤ ${MAX_LOAD_RATIO}× the unbundled build's`,
      pass: ratio <= MAX_LOAD_RATIO,
      figure: `${ratio.toFixed(2)}× (${f.loadMsBundled} ms vs ${f.loadMsUnbundled} ms; ${f.loadMsBundledTraced} ms in Lambda's environment)`,
    },
  ];
}

/**
 * Per function: the bundle Lambda runs (its entry file, functions/entry/), and the unbundled baseline (our code
 * compiled, every dependency loaded from node_modules file by file, as a zip of node_modules would), both loaded in
 * fresh processes, taking turns, and the bundle once more in Lambda's environment. A bundle over budget prints what is in it.
 */
export async function measureFunctionBundles(root: string, runs = 21): Promise<Measured<FunctionFigures[]>> {
  const entryDir = join(root, 'functions/entry');
  const environment = lambdaEnvironment(root);
  const out = mkdtempSync(join(tmpdir(), 'followup-bench-'));
  const figures: FunctionFigures[] = [];
  for (const file of readdirSync(entryDir)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    const name = basename(file, '.ts');
    const entry = join(entryDir, file);
    // The asset FollowupFunction deploys, built by the same function (scripts/lambda-bundle.ts).
    const bundled = join(out, name, BUNDLE_FILE);
    // The unbundled build lives beside node_modules so its imports resolve there.
    const unbundled = join(root, 'node_modules/.cache/followup-bench', `${name}.mjs`);
    const metafile = await bundleFunction(entry, join(out, name));
    await build({
      ...UNBUNDLED_OPTIONS,
      entryPoints: [entry],
      outfile: unbundled,
    });
    const [loadMsBundled = 0, loadMsUnbundled = 0, loadMsBundledTraced = 0] = loadMs(
      [
        { file: bundled, environment },
        { file: unbundled, environment },
        { file: bundled, environment: { ...environment, ...ON_LAMBDA } },
      ],
      root,
      runs,
    );
    figures.push({
      name,
      bundleBytes: statSync(bundled).size,
      unbundledBytes: statSync(unbundled).size,
      loadMsBundled,
      loadMsUnbundled,
      loadMsBundledTraced,
      biggest: bytesByPackage(metafile).slice(0, 8),
    });
  }
  for (const f of figures.filter((f) => f.bundleBytes > MAX_BUNDLE_BYTES)) {
    const parts = f.biggest.map((b) => `${b.what} ${kb(b.bytes)}`).join(', ');
    process.stderr.write(`${f.name} is ${kb(f.bundleBytes)}: ${parts}\n`);
  }
  return { figures, budgets: figures.flatMap(budgetsOf) };
}

// `npx tsx bench/functions.ts [runs]`: this part of `npm run bench` alone, its PASS/FAIL lines on stdout.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { budgets } = await measureFunctionBundles(ROOT, Number(process.argv[2] ?? 21));
  for (const b of budgets) process.stdout.write(`${b.pass ? 'PASS' : 'FAIL'} ${b.budget}: ${b.figure}\n`);
}
