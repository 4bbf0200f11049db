import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { LAMBDA_BUILD_OPTIONS, literalSchemaKeys } from '../../scripts/lambda-bundle.ts';

/*
 * The Lambda bundles (docs/architecture.md §9), built with the options of the stack's bundler
 * (scripts/lambda-bundle.ts): each holds only the SDK clients its entry file uses, none of the SDK schemas of
 * operations it never calls, and none of the packages a cold start must not pay for: a future import that brings
 * one back fails here, naming the function and the package.
 */

const ROOT = new URL('../..', import.meta.url).pathname;
const ENTRIES = readdirSync(`${ROOT}functions/entry`).filter((f) => f.endsWith('.ts'));

/** The SDK clients each function calls, from its dependencies (functions/runtime/*-dependencies.ts). */
const CLIENTS: Record<string, string[]> = {
  complete: ['dynamodb', 'sfn'],
  'enrollment-sweeper': ['dynamodb', 'sesv2', 'sfn', 'sns'],
  // The mail parser reads S3 and invokes the reader; DynamoDB's client comes in with functions/runtime/clients.ts,
  // whose factories module imports lib-dynamodb, a package that does not declare itself free of side effects.
  'inbound-email': ['dynamodb', 'lambda', 's3'],
  intake: ['dynamodb', 'sfn'],
  outcome: ['dynamodb', 'secrets-manager', 'sfn'],
  'read-reply': ['dynamodb', 'secrets-manager', 'sesv2', 'sfn'],
  'ses-events': ['dynamodb', 'sfn'],
  'shop-events': ['dynamodb', 'sfn'],
  'shop-webhook': ['dynamodb', 'secrets-manager', 'sfn'],
  // A person's text goes to ReadReply (docs/architecture.md §4.1).
  'sms-inbound': ['dynamodb', 'lambda', 'sesv2', 'sfn', 'sns'],
  touch: ['dynamodb', 'secrets-manager', 'sesv2', 'sns'],
  unsubscribe: ['dynamodb', 'secrets-manager', 'sfn'],
};

/**
 * Packages no function calls on Lambda: the X-Ray SDK, the credential chain beyond the environment, DynamoDB's
 * endpoint cache (no operation uses endpoint discovery: functions/runtime/endpoint-discovery-off.ts), mailparser's,
 * the YAML parser (the Touch reads its templates from the manifest parsed at synth), and luxon (71 KB: the Lambdas'
 * dates are functions/core/zoned.ts; luxon stays for the CLI and as the tests' oracle).
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
  '@aws-sdk/endpoint-cache',
  'mnemonist',
  'mailparser',
  'iconv-lite',
  'encoding-japanese',
  'yaml',
  'luxon',
];

/** chrono-node's locales the reply reader does not import (functions/core/reply-chrono.ts reads de, en, es, fr, it, nl). */
const UNREAD_CHRONO_LOCALES = ['ar', 'fi', 'id', 'ja', 'pt', 'ru', 'sv', 'uk', 'vi', 'zh'];

/**
 * chrono's parsers of a time of day and of a span ago, which the reader's German, French, Spanish, Italian and Dutch
 * readers leave out (functions/core/reply-chrono-locales.ts). English's stay: chrono's own default reader is English's.
 */
const LEFT_OUT_CHRONO_PARSERS =
  /chrono-node\/dist\/esm\/locales\/(?:de|fr|es|it|nl)\/parsers\/(?:\w+TimeExpressionParser|(?:FR|ES|IT|NL)CasualTimeParser|\w+TimeUnitAgoFormatParser)\.js$/;

/**
 * A message of the deployment config's schema, validated at synth: a bundle holds it only if esbuild could not drop
 * the schema (functions/core/config.ts builds each schema in a call marked pure, docs/architecture.md §9).
 */
const CONFIG_SCHEMA_TEXT = 'CAN-SPAM needs a full postal address';
/** A description of the cadence schema, which the reply functions never run (they read the manifest). */
const CADENCE_SCHEMA_TEXT = 'Calendar day counted from enrollment';

/** Packages only some functions call. */
const ONLY_IN: Record<string, readonly string[]> = {
  // The reply reader's dates and quoted-history parser: only the function that reads replies, by email and by text
  // (docs/architecture.md §4.1).
  'chrono-node': ['read-reply'],
  'email-reply-parser': ['read-reply'],
  // Untrusted MIME is opened only by the mail parser, whose role reaches nothing else (docs/architecture.md §4.1).
  'postal-mime': ['inbound-email'],
};

/** The packages (node_modules/<package>) an output holds code of. */
function packagesIn(inputs: readonly string[]): Set<string> {
  return new Set(inputs.flatMap((f) => f.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1] ?? []));
}

/** What a bundle holds: its metafile and its code. */
async function bundleOf(entry: string) {
  const { metafile, outputFiles } = await build({
    ...LAMBDA_BUILD_OPTIONS,
    entryPoints: [`${ROOT}functions/entry/${entry}`],
    outdir: '/nonexistent',
    write: false,
    sourcemap: false,
    metafile: true,
  });
  return { metafile, code: outputFiles.map((f) => f.text).join('') };
}

async function metafileOf(entry: string) {
  return (await bundleOf(entry)).metafile;
}

/** Schemas (S3, SES v2, DynamoDB) of operations a function never calls: there only if esbuild could not drop them. */
const UNCALLED: Record<string, readonly string[]> = {
  // Lambda's schemas hold paths such as ".../function-scaling-config": the word, not a function that could shadow.
  'inbound-email': ['PutBucketLifecycleConfiguration', 'PutFunctionScalingConfig', 'CreateFunction'],
  'read-reply': ['CreateEmailIdentity', 'PutResourcePolicyInput'],
  'sms-inbound': ['CreateEmailIdentity', 'PutResourcePolicyInput'],
  touch: ['CreateEmailIdentity', 'PutResourcePolicyInput'],
};

describe('the SDK schemas get literal keys, so esbuild drops those no call uses', () => {
  it('rewrites a computed key that names a string constant to the constant’s literal', () => {
    // Arrange
    const source = [
      'const _e = "error";',
      'const _hE = "httpError";',
      'export var A$ = [-3, n0, _A, { [_e]: _c, [_hE]: 400 }, [() => B$, 0], []];',
    ].join('\n');

    // Act / Assess
    expect(literalSchemaKeys(source)).toBe(
      [
        'const _e = "error";',
        'const _hE = "httpError";',
        'export var A$ = [-3, n0, _A, { "error": _c, "httpError": 400 }, [() => B$, 0], []];',
      ].join('\n'),
    );
  });

  it('leaves what is not an object key, a name that is no string constant, and code that could shadow one', () => {
    const notKeys = 'const _e = "error";\nexport var A$ = [x ? [_e] : 0, { [_q]: 1 }];';
    expect(literalSchemaKeys(notKeys)).toBe(notKeys);
    const shadowing = 'const _e = "error";\nfunction f(_e) { return { [_e]: 1 }; }';
    expect(literalSchemaKeys(shadowing)).toBe(shadowing);
    const arrowWithParameter = 'const _e = "error";\nconst f = (_e) => ({ [_e]: 1 });';
    expect(literalSchemaKeys(arrowWithParameter)).toBe(arrowWithParameter);
    const expression = 'const _e = "error";\nconst f = function (_e) { return { [_e]: 1 }; };';
    expect(literalSchemaKeys(expression)).toBe(expression);
  });

  it('rewrites a file whose strings hold the word "function", as Lambda’s paths do', () => {
    const source =
      'const _e = "error";\nexport var A$ = [{ [_e]: ["GET", "/functions/{F}/function-scaling-config"] }];';
    expect(literalSchemaKeys(source)).toBe(
      'const _e = "error";\nexport var A$ = [{ "error": ["GET", "/functions/{F}/function-scaling-config"] }];',
    );
  });

  it.each(Object.entries(UNCALLED))(
    '%s holds no schema of an operation it never calls',
    async (name, uncalled) => {
      // Act
      const { code } = await bundleOf(`${name}.ts`);

      // Assess
      expect(uncalled.filter((operation) => code.includes(`"${operation}`))).toEqual([]);
    },
  );

  it('would see a schema that is there: the touch sends with SendEmail', async () => {
    const { code } = await bundleOf('touch.ts');
    expect(code).toContain('"SendEmail');
  });
});

/** Functions whose bundle reads its cadences from the manifest validated at synth (functions/runtime/cadence-manifest.ts). */
const CADENCE_MANIFEST_READERS = ['read-reply', 'sms-inbound'];

describe('each function bundles only what it uses', () => {
  it.each(CADENCE_MANIFEST_READERS)(
    '%s reads the cadences validated at synth and bundles no validation',
    async (name) => {
      // Act
      const { code } = await bundleOf(`${name}.ts`);

      // Assess: the manifest's reader is there, the cadence folder's reader and its validation are not
      expect(code).toContain('is not a cadence manifest');
      expect(code).not.toContain('CadenceInvalid');
      expect(code).not.toContain('readdirSync');
      expect(code).not.toContain(CADENCE_SCHEMA_TEXT);
    },
  );

  it('knows every entry file', () => {
    expect(ENTRIES.map((f) => basename(f, '.ts')).sort()).toEqual(Object.keys(CLIENTS).sort());
  });

  it.each(ENTRIES)('%s holds its own SDK clients and no package it never calls', async (entry) => {
    // Act
    const name = basename(entry, '.ts');
    const { metafile, code } = await bundleOf(entry);

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
    expect(inputs.filter((f) => LEFT_OUT_CHRONO_PARSERS.test(f))).toEqual([]);
    expect(code).not.toContain(CONFIG_SCHEMA_TEXT);
    // zod/mini only (functions/core/zod.ts): classic zod's API does not tree-shake.
    expect(inputs.filter((f) => /node_modules\/zod\/v4\/classic\//.test(f))).toEqual([]);
    expect(inputs.some((f) => /node_modules\/zod\/v4\/mini\//.test(f))).toBe(true);
  });

  it('finds a package that is there: the touch renders with liquidjs, the reply reader reads English dates', async () => {
    // Act
    const touch = await metafileOf('touch.ts');
    const reader = await metafileOf('read-reply.ts');

    // Assess: the checks above read packages and locales the same way, so they would see one that came back
    const inputs = (m: typeof touch) => Object.values(m.outputs).flatMap((o) => Object.keys(o.inputs));
    expect([...packagesIn(inputs(touch))]).toEqual(expect.arrayContaining(['liquidjs']));
    expect(inputs(reader).some((f) => /chrono-node\/dist\/\w+\/locales\/en\//.test(f))).toBe(true);
    // English's time-of-day parser is there, and the pattern for the other languages' would match one
    const english = inputs(reader).filter((f) => f.endsWith('/locales/en/parsers/ENTimeExpressionParser.js'));
    expect(english).toHaveLength(1);
    expect(LEFT_OUT_CHRONO_PARSERS.test((english[0] ?? '').replace('/en/parsers/EN', '/de/parsers/DE'))).toBe(
      true,
    );
    // the schema texts the checks above look for are the schemas' own
    const source = (file: string) => readFileSync(`${ROOT}functions/core/${file}`, 'utf8');
    expect(source('config.ts')).toContain(CONFIG_SCHEMA_TEXT);
    expect(source('cadence-schema.ts')).toContain(CADENCE_SCHEMA_TEXT);
  });
});
