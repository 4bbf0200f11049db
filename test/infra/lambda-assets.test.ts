import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaEnvironment } from '../../bench/functions.ts';
import { TEMPLATE_MANIFEST } from '../../functions/core/template-source.ts';
import { FollowupFunction } from '../../lib/followup-function.ts';
import { BUNDLE_FILE, bundleFunction } from '../../scripts/lambda-bundle.ts';

/*
 * What the stack deploys is what the bench measures (docs/architecture.md §9): FollowupFunction's asset is the bundle
 * scripts/lambda-bundle.ts builds, with the cadences and the templates' manifest beside it, and every bundle loads
 * in a fresh Node with its function's environment, as a cold start does, and answers an event.
 */

const ROOT = new URL('../..', import.meta.url).pathname;
const ENTRIES = readdirSync(`${ROOT}functions/entry`)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => basename(f, '.ts'))
  .sort();
const environment = {
  ...lambdaEnvironment(ROOT),
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

let out: string;
beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'followup-assets-'));
  for (const name of ENTRIES) await bundleFunction(`${ROOT}functions/entry/${name}.ts`, join(out, name));
  // Eleven bundles on a busy machine.
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const MARK = 'ANSWER ';

/** Imports a bundle in a fresh process, calls its handler with `event`, and says what came back. */
function invoke(name: string, event?: unknown): { loaded: boolean; statusCode?: number; error?: string } {
  const call =
    event === undefined
      ? ''
      : `try { const r = await handler(${JSON.stringify(event)}, {}); result.statusCode = r?.statusCode; } catch (e) { result.error = e.name; }`;
  const script = `const MARK = ${JSON.stringify(MARK)};
const { handler } = await import(${JSON.stringify(join(out, name, BUNDLE_FILE))});
const result = { loaded: typeof handler === 'function' }; ${call}
process.stdout.write('\\n' + MARK + JSON.stringify(result));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH, ...environment },
    encoding: 'utf8',
  });
  if (child.status !== 0)
    throw new Error(`${name} did not load: ${child.stderr.split('\n').slice(0, 5).join(' ')}`);
  // The function's own logs go to stdout too, as on Lambda: the answer is the marked last line.
  return JSON.parse(child.stdout.slice(child.stdout.lastIndexOf(MARK) + MARK.length)) as {
    loaded: boolean;
    statusCode?: number;
    error?: string;
  };
}

describe('the bundles as deployed', () => {
  it('the stack deploys the bundle scripts/lambda-bundle.ts builds, with the cadences and the manifest', () => {
    // Arrange: one function synthesized with bundling on, as `cdk synth` does
    const outdir = join(out, 'cdk.out');
    const app = new App({ outdir });
    new FollowupFunction(new Stack(app, 'Assets'), 'Intake', {
      handler: 'intake',
      description: 'intake',
      environment: {},
    });

    // Act
    app.synth();

    // Assess
    const assets = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    const asset = join(outdir, assets[0] as string);
    expect(readFileSync(join(asset, BUNDLE_FILE), 'utf8')).toBe(
      readFileSync(join(out, 'intake', BUNDLE_FILE), 'utf8'),
    );
    expect(existsSync(join(asset, 'cadences/web-inquiry.json'))).toBe(true);
    expect(
      Object.keys(JSON.parse(readFileSync(join(asset, 'templates', TEMPLATE_MANIFEST), 'utf8'))),
    ).not.toEqual([]);
  }, 60_000);

  it.each(ENTRIES)('%s loads with its environment and exports its handler', (name) => {
    expect(invoke(name)).toEqual({ loaded: true });
  });

  it('the intake answers a signup without an email with 400, before any AWS call', () => {
    const event = {
      version: '2.0',
      routeKey: 'POST /leads',
      rawPath: '/leads',
      rawQueryString: '',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      requestContext: { http: { method: 'POST', path: '/leads', sourceIp: '203.0.113.7' } },
      body: JSON.stringify({ name: 'Sam Lee' }),
      isBase64Encoded: false,
    };
    expect(invoke('intake', event)).toMatchObject({ loaded: true, statusCode: 400 });
  });

  it.each(['touch', 'complete', 'ses-events'])('%s rejects an empty event as InvalidPayload', (name) => {
    // Assess: the error name is what a Step Functions Catch or a failure queue sees
    expect(invoke(name, {})).toEqual({ loaded: true, error: 'InvalidPayload' });
  });
});
