import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLE_OPTIONS } from '../../bench/functions.ts';
import { LAMBDA_BUNDLING } from '../../lib/followup-function.ts';

/*
 * The Lambda bundles (docs/architecture.md §9): the bench builds them as the stack does, and each holds only the SDK
 * clients its entry file uses, with the tracer behind a dynamic import (loaded only when tracing is on).
 */

const ROOT = new URL('../..', import.meta.url).pathname;
const ENTRIES = readdirSync(`${ROOT}functions/entry`).filter((f) => f.endsWith('.ts'));

/** The SDK clients each function calls, from its dependencies (functions/runtime/dependencies.ts). */
const CLIENTS: Record<string, string[]> = {
  complete: ['dynamodb', 'sfn'],
  'enrollment-sweeper': ['dynamodb', 'sfn'],
  'inbound-email': ['dynamodb', 's3', 'secrets-manager', 'sesv2', 'sfn'],
  intake: ['dynamodb', 'sfn'],
  outcome: ['dynamodb', 'secrets-manager', 'sfn'],
  'ses-events': ['dynamodb', 'sfn'],
  'shop-events': ['dynamodb', 'sfn'],
  'shop-webhook': ['dynamodb', 'secrets-manager', 'sfn'],
  'sms-inbound': ['dynamodb', 'sesv2', 'sfn', 'sns'],
  touch: ['dynamodb', 'secrets-manager', 'sesv2', 'sns'],
  unsubscribe: ['dynamodb', 'secrets-manager', 'sfn'],
};

async function metafileOf(entry: string) {
  const { metafile } = await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [`${ROOT}functions/entry/${entry}`],
    outdir: '/nonexistent',
    write: false,
    sourcemap: false,
    metafile: true,
  });
  return metafile;
}

describe('the bench bundles as the stack does', () => {
  it('mirrors every option of LAMBDA_BUNDLING', () => {
    // Assess: a new option in the stack that the bench does not apply fails here.
    expect(Object.keys(LAMBDA_BUNDLING).sort()).toEqual(
      [
        'banner',
        'bundleAwsSDK',
        'format',
        'mainFields',
        'minify',
        'sourceMap',
        'sourcesContent',
        'target',
      ].sort(),
    );
    expect(BUNDLE_OPTIONS).toMatchObject({
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: LAMBDA_BUNDLING.target,
      minify: LAMBDA_BUNDLING.minify,
      sourcemap: LAMBDA_BUNDLING.sourceMap,
      sourcesContent: LAMBDA_BUNDLING.sourcesContent,
      mainFields: LAMBDA_BUNDLING.mainFields,
      banner: { js: LAMBDA_BUNDLING.banner },
      external: [],
    });
  });
});

describe('each function bundles only what it uses', () => {
  it('knows every entry file', () => {
    expect(ENTRIES.map((f) => basename(f, '.ts')).sort()).toEqual(Object.keys(CLIENTS).sort());
  });

  it.each(ENTRIES)(
    '%s holds its own SDK clients and no other; the tracer only behind import()',
    async (entry) => {
      // Act
      const metafile = await metafileOf(entry);

      // Assess
      // What the output holds: esbuild reads every file imported, then drops what no code reaches.
      const inputs = Object.values(metafile.outputs).flatMap((o) =>
        Object.entries(o.inputs)
          .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
          .map(([file]) => file),
      );
      const clients = new Set(
        inputs.flatMap((f) => f.match(/node_modules\/@aws-sdk\/client-([^/]+)\//)?.[1] ?? []),
      );
      expect([...clients].sort()).toEqual(CLIENTS[basename(entry, '.ts')]);
      const tracerImports = Object.values(metafile.inputs).flatMap((input) =>
        input.imports.filter((i) => i.original === '@aws-lambda-powertools/tracer').map((i) => i.kind),
      );
      expect(tracerImports).toEqual(['dynamic-import']);
    },
  );
});
