import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLE_OPTIONS } from '../../bench/functions.ts';
import { BUNDLE_ALIASES, LAMBDA_BUNDLING } from '../../lib/followup-function.ts';

/*
 * The Lambda bundles (docs/architecture.md §9): the bench builds them as the stack does, and each holds only the SDK
 * clients its entry file uses and none of the packages a cold start must not pay for: a future import that brings
 * one back fails here, naming the function and the package.
 */

const ROOT = new URL('../..', import.meta.url).pathname;
const ENTRIES = readdirSync(`${ROOT}functions/entry`).filter((f) => f.endsWith('.ts'));

/** The SDK clients each function calls, from its dependencies (functions/runtime/*-dependencies.ts). */
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

/**
 * Packages no function calls on Lambda: the X-Ray SDK, the credential chain beyond the environment, mailparser's, and
 * the YAML parser (the Touch reads its templates from the manifest parsed at synth).
 */
const NOWHERE = [
  '@aws-lambda-powertools/tracer',
  'aws-xray-sdk-core',
  'cls-hooked',
  '@aws-sdk/credential-provider-node',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/nested-clients',
  'mailparser',
  'iconv-lite',
  'encoding-japanese',
  'yaml',
];

/** chrono-node's locales the reply reader does not import (functions/core/reply-chrono.ts reads de, en, es, fr, it, nl). */
const UNREAD_CHRONO_LOCALES = ['ar', 'fi', 'id', 'ja', 'pt', 'ru', 'sv', 'uk', 'vi', 'zh'];

/** Packages only some functions call. */
const ONLY_IN: Record<string, readonly string[]> = {
  // The reply reader's dates: only the functions that read replies (docs/architecture.md §4.3).
  'chrono-node': ['inbound-email', 'sms-inbound'],
};

/** The packages (node_modules/<package>) an output holds code of. */
function packagesIn(inputs: readonly string[]): Set<string> {
  return new Set(inputs.flatMap((f) => f.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1] ?? []));
}

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
        'esbuildArgs',
        'format',
        'mainFields',
        'minify',
        'sourceMap',
        'sourcesContent',
        'target',
        'workingDirectory',
      ].sort(),
    );
    expect(LAMBDA_BUNDLING.esbuildArgs['--alias']).toEqual(
      Object.entries(BUNDLE_ALIASES).map(([module, replacement]) => `${module}=${replacement}`),
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
      alias: BUNDLE_ALIASES,
      absWorkingDir: ROOT,
      external: [],
    });
  });
});

describe('each function bundles only what it uses', () => {
  it('knows every entry file', () => {
    expect(ENTRIES.map((f) => basename(f, '.ts')).sort()).toEqual(Object.keys(CLIENTS).sort());
  });

  it.each(ENTRIES)('%s holds its own SDK clients and no package it never calls', async (entry) => {
    // Act
    const name = basename(entry, '.ts');
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
    expect([...clients].sort()).toEqual(CLIENTS[name]);
    const packages = packagesIn(inputs);
    const misplaced = Object.entries(ONLY_IN)
      .filter(([, owners]) => !owners.includes(name))
      .map(([pkg]) => pkg);
    expect([...NOWHERE, ...misplaced].filter((pkg) => packages.has(pkg))).toEqual([]);
    const locales = new Set(
      inputs.flatMap((f) => f.match(/chrono-node\/dist\/\w+\/locales\/(\w+)\//)?.[1] ?? []),
    );
    expect(UNREAD_CHRONO_LOCALES.filter((locale) => locales.has(locale))).toEqual([]);
  });

  it('finds a package that is there: the touch renders with liquidjs, the reply reader reads English dates', async () => {
    // Act
    const touch = await metafileOf('touch.ts');
    const sms = await metafileOf('sms-inbound.ts');

    // Assess: the checks above read packages and locales the same way, so they would see one that came back
    const inputs = (m: typeof touch) => Object.values(m.outputs).flatMap((o) => Object.keys(o.inputs));
    expect([...packagesIn(inputs(touch))]).toEqual(expect.arrayContaining(['liquidjs']));
    expect(inputs(sms).some((f) => /chrono-node\/dist\/\w+\/locales\/en\//.test(f))).toBe(true);
  });
});
