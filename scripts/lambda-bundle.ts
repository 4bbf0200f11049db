import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';

/*
 * How every Lambda function is bundled (docs/architecture.md §9): FollowupFunction runs this file once per function
 * at synth (`tsx scripts/lambda-bundle.ts <entry> <outDir>`), and bench/functions.ts and test/infra build with the
 * same LAMBDA_BUILD_OPTIONS, so the sizes and load times they report are the deployed ones. It uses esbuild's API,
 * not its command line, because the SDK's schemas need a plugin (sdkSchemaKeys below).
 */

export const ROOT = new URL('..', import.meta.url).pathname;

/** The file each bundle's code is written to: Lambda's handler is `index.handler`. */
export const BUNDLE_FILE = 'index.mjs';

/**
 * Modules the bundles replace: the SDK's default credential chain by the environment's credentials, which is where
 * Lambda puts the role's, and DynamoDB's endpoint discovery, which no operation uses, by its settings without the
 * endpoint cache (docs/architecture.md §9). Paths are relative to the project root.
 */
export const BUNDLE_ALIASES = {
  '@aws-sdk/credential-provider-node': './functions/runtime/env-credentials.ts',
  '@aws-sdk/middleware-endpoint-discovery': './functions/runtime/endpoint-discovery-off.ts',
} as const;

/** An SDK client's generated schemas: one module of constants and static schemas per client. */
const SDK_SCHEMAS = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;
/** `const _hE = "httpError";`: the generated file's string constants. */
const STRING_CONSTANT = /^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm;
/** A computed key naming one of them, where only an object key can stand: after `{` or `,`, before `:`. */
const COMPUTED_KEY = /([{,]\s*)\[(_\w+)\](\s*:)/g;
/** The only functions such a file holds: thunks `() => Name`, which declare nothing that could shadow a constant. */
const THUNK = /\(\)\s*=>\s*[A-Za-z_$][\w$]*/g;
/** A `function` declaration or expression; the word alone is in Lambda's paths ("/function-scaling-config"). */
const FUNCTION = /\bfunction\b\s*\*?\s*[\w$]*\s*\(/;

/**
 * `{ [_e]: _c }` → `{ "error": _c }` in the SDK's generated schemas. esbuild counts a computed key as a possible side
 * effect and so keeps every schema of the client, used or not (aws-sdk-js-v3 #7607; the same rewrite is pending in
 * smithy-typescript's code generator, #1889). A constant's value is its own literal, so the object is the same; a
 * file of another shape is left as it is (test/infra/bundling.test.ts then fails on the schemas that come back).
 */
export function literalSchemaKeys(source: string): string {
  if (FUNCTION.test(source)) return source;
  if (source.split('=>').length - 1 !== (source.match(THUNK) ?? []).length) return source;
  const constants = new Map([...source.matchAll(STRING_CONSTANT)].map((m) => [m[1], m[2]]));
  return source.replace(COMPUTED_KEY, (whole, before: string, name: string, after: string) => {
    const literal = constants.get(name);
    return literal === undefined ? whole : `${before}${literal}${after}`;
  });
}

export const sdkSchemaKeys: Plugin = {
  name: 'sdk-schema-literal-keys',
  setup(plugin) {
    plugin.onLoad({ filter: SDK_SCHEMAS }, async ({ path }) => ({
      contents: literalSchemaKeys(await readFile(path, 'utf8')),
      loader: 'js',
    }));
  },
};

/** An SDK client's own package.json, which it imports whole to read one field: its version, for the User-Agent. */
const SDK_PACKAGE_JSON = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]package\.json$/;

/**
 * A client's package.json reduced to its `version`, the only field the client reads (`packageInfo.version` in its
 * runtimeConfig): ~2 KB a client, the same User-Agent (test/infra/lambda-assets.test.ts).
 */
export const sdkPackageVersion: Plugin = {
  name: 'sdk-package-version',
  setup(plugin) {
    plugin.onLoad({ filter: SDK_PACKAGE_JSON }, async ({ path }) => {
      const { version } = JSON.parse(await readFile(path, 'utf8')) as { version: string };
      return { contents: JSON.stringify({ version }), loader: 'json' };
    });
  },
};

/** The module the SDK's protocols load lazily, and only for an operation with an event stream in or out. */
const EVENT_STREAMS = /^@smithy\/core\/event-streams$/;

/**
 * Leaves the SDK's lazy `import("@smithy/core/event-streams")` (HttpProtocol.loadEventStreamCapability) out of the
 * bundle, as the SDK meant it: ~15 KB of event-stream codec no function runs, since no operation a function calls
 * has an event stream (test/infra/lambda-assets.test.ts runs the reply functions' bundles through their calls). Were
 * one added, it would fail loudly naming the module, never send wrong bytes. S3's client imports it statically: kept.
 */
export const lazyEventStreams: Plugin = {
  name: 'lazy-event-streams',
  setup(plugin) {
    plugin.onResolve({ filter: EVENT_STREAMS }, ({ path, kind }) =>
      kind === 'dynamic-import' ? { path, external: true } : undefined,
    );
  },
};

/**
 * An ESM bundle minified with the AWS SDK inside (a bundled SDK loads ~200 ms faster than the runtime's), source maps
 * without sources, BUNDLE_ALIASES applied, the SDK's schemas with literal keys, its package files reduced to their
 * version and its lazy event-stream module left out.
 */
export const LAMBDA_BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  // Some CommonJS dependencies call require(); ESM output needs it defined.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  // Non-ASCII text (chrono's month names, postal-mime's HTML entities, the opt-out words) as itself, not as escapes.
  charset: 'utf8',
  alias: BUNDLE_ALIASES,
  absWorkingDir: ROOT,
  plugins: [sdkSchemaKeys, sdkPackageVersion, lazyEventStreams],
  logLevel: 'warning',
} satisfies BuildOptions;

/** Bundles one entry file (functions/entry/<name>.ts) into `outDir`/index.mjs with its source map. */
export async function bundleFunction(entry: string, outDir: string): Promise<Metafile> {
  const { metafile } = await build({
    ...LAMBDA_BUILD_OPTIONS,
    entryPoints: [entry],
    outfile: join(outDir, BUNDLE_FILE),
    metafile: true,
  });
  return metafile;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [entry, outDir] = process.argv.slice(2);
  if (!entry || !outDir) {
    process.stderr.write('usage: tsx scripts/lambda-bundle.ts functions/entry/<name>.ts <output folder>\n');
    process.exit(2);
  }
  await bundleFunction(entry, outDir);
}
