import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaEnvironment } from '../../bench/functions.ts';
import { TEMPLATE_MANIFEST } from '../../functions/core/template-source.ts';
import { CADENCE_MANIFEST } from '../../functions/runtime/cadence-manifest.ts';
import { cadenceManifestJson, FollowupFunction } from '../../lib/followup-function.ts';
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
  // Twelve bundles on a busy machine.
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
    // The cadences validated at synth, which the reply functions read (functions/runtime/cadence-manifest.ts).
    expect(readFileSync(join(asset, CADENCE_MANIFEST), 'utf8')).toBe(cadenceManifestJson(`${ROOT}cadences`));
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

/** What one SDK call looked like on the wire. */
interface Call {
  readonly service: string;
  readonly target: string;
  readonly path: string;
  readonly userAgent: string;
  /** The request's body, kept for Lambda's Invoke: the payload one function hands another. */
  readonly body?: string;
}

/** The SDK's installed version of a client, which its User-Agent must name. */
const versionOf = (client: string) =>
  (
    JSON.parse(readFileSync(`${ROOT}node_modules/@aws-sdk/client-${client}/package.json`, 'utf8')) as {
      version: string;
    }
  ).version;

const RAW_REPLY = [
  'From: "Zoë Müller" <zoe@example.org>',
  'To: reply+abc123@reply.example.com',
  'Subject: =?UTF-8?Q?Re:_Gr=C3=BC=C3=9Fe?=',
  'Message-ID: <m1@example.org>',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  'Not right now — try me again in March. Schöne Grüße',
  '',
].join('\r\n');

/** What the stand-in's Lambda answers an Invoke with: the reader's result for an unmatched reply, or text. */
const READER_RESULT = { kind: 'unmatched', outcome: 'forwarded' };
const TEXT_READER_RESULT = { intent: 'message', outcome: 'handled' };

/**
 * A stand-in AWS endpoint: DynamoDB answers as for a table without the lead, S3 returns a reply's MIME, Secrets
 * Manager a secret, Lambda the reader's result, and every call is recorded, so a bundle's SDK calls run through its
 * own serializers, signer and deserializers.
 */
function answer(calls: Call[], request: IncomingMessage, response: ServerResponse): void {
  const target = String(request.headers['x-amz-target'] ?? '');
  const path = request.url ?? '';
  const service = target
    ? (target.split(/[._]/)[0] ?? target)
    : path.startsWith('/v2/email/')
      ? 'sesv2'
      : path.startsWith('/2015-03-31/functions/')
        ? 'lambda'
        : request.method === 'GET'
          ? 's3'
          : 'other';
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    calls.push({
      service,
      target,
      path,
      userAgent: String(request.headers['user-agent'] ?? ''),
      ...(service === 'lambda' ? { body: Buffer.concat(chunks).toString('utf8') } : {}),
    });
    if (service === 's3') {
      response.writeHead(200, { 'content-type': 'message/rfc822' }).end(RAW_REPLY);
      return;
    }
    if (service === 'lambda') {
      const text = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { kind?: string }).kind === 'sms';
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(text ? TEXT_READER_RESULT : READER_RESULT));
      return;
    }
    // Secrets Manager hands out the signing secret; DynamoDB finds nothing.
    const body = target.startsWith('secretsmanager.')
      ? { SecretString: 'a-signing-secret-of-32-characters!' }
      : {};
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
  });
}

/** Like invoke, with the bundle's clients pointed at `endpoint`; asynchronous, so the endpoint can answer. */
function invokeAgainst(
  name: string,
  event: unknown,
  endpoint: string,
): Promise<{ result?: unknown; error?: string }> {
  const script = `const MARK = ${JSON.stringify(MARK)};
const { handler } = await import(${JSON.stringify(join(out, name, BUNDLE_FILE))});
let answer;
try { answer = { result: await handler(${JSON.stringify(event)}, {}) }; } catch (e) { answer = { error: e.name + ': ' + e.message }; }
process.stdout.write('\\n' + MARK + JSON.stringify(answer));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH, ...environment, AWS_ENDPOINT_URL: endpoint },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${name} failed: ${stderr.split('\n').slice(0, 5).join(' ')}`));
      else resolve(JSON.parse(stdout.slice(stdout.lastIndexOf(MARK) + MARK.length)));
    });
  });
}

/** Runs `name`'s bundle on `event` against a stand-in endpoint and says what it answered and called. */
async function runAgainstEndpoint(name: string, event: unknown) {
  const calls: Call[] = [];
  const server = createServer((request, response) => answer(calls, request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return { ...(await invokeAgainst(name, event, `http://127.0.0.1:${port}`)), calls };
  } finally {
    server.close();
  }
}

/** SES's receipt event for a reply stored under the inbound prefix. */
const SES_RECEIPT_EVENT = {
  Records: [
    {
      eventSource: 'aws:ses',
      ses: {
        mail: { messageId: 'm1-abc', timestamp: '2026-12-01T10:00:00.000Z', source: 'zoe@example.org' },
        receipt: {
          timestamp: '2026-12-01T10:00:01.000Z',
          recipients: ['reply+abc123@reply.example.com'],
          spamVerdict: { status: 'PASS' },
          virusVerdict: { status: 'PASS' },
          spfVerdict: { status: 'PASS' },
          dkimVerdict: { status: 'PASS' },
          dmarcVerdict: { status: 'PASS' },
        },
      },
    },
  ],
};

describe('the bundles on a realistic event (what the bundler leaves out is never reached)', () => {
  it('inbound-email reads a stored reply from S3 and hands it, parsed, to the reader, calling nothing else', async () => {
    // Act
    const { result, error, calls } = await runAgainstEndpoint('inbound-email', SES_RECEIPT_EVENT);

    // Assess: the mail fetched, the reader invoked synchronously with the reply decoded, each client naming its
    // own version, and no table, secret or SES call from the parser
    expect(error).toBeUndefined();
    expect(result).toEqual([READER_RESULT]);
    const s3 = calls.find((c) => c.service === 's3');
    expect(s3?.path).toContain('inbound/m1-abc');
    expect(s3?.userAgent).toContain(`api/s3#${versionOf('s3')}`);
    const invoke = calls.find((c) => c.service === 'lambda');
    expect(invoke?.path).toBe('/2015-03-31/functions/Followup-ReadReply/invocations');
    expect(invoke?.userAgent).toContain(`api/lambda#${versionOf('lambda')}`);
    expect(JSON.parse(invoke?.body ?? '{}')).toMatchObject({
      kind: 'mail',
      messageId: 'm1-abc',
      from: 'zoe@example.org',
      subject: 'Re: Grüße',
      text: expect.stringContaining('try me again in March'),
    });
    expect(calls.map((c) => c.service).sort()).toEqual(['lambda', 's3']);
  }, 30_000);

  it('read-reply reads the parsed reply, looks its lead up in DynamoDB and forwards it, unmatched', async () => {
    // Prepare: the reply as the parser's bundle hands it over
    const parsed = await runAgainstEndpoint('inbound-email', SES_RECEIPT_EVENT);
    const reply = JSON.parse(parsed.calls.find((c) => c.service === 'lambda')?.body ?? '{}');

    // Act
    const { result, error, calls } = await runAgainstEndpoint('read-reply', reply);

    // Assess: the token checked with the signing secret, the lead looked up, the fallback address told
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ kind: 'unmatched', outcome: 'forwarded' });
    expect(calls.some((c) => c.target === 'secretsmanager.GetSecretValue')).toBe(true);
    const dynamo = calls.find((c) => c.service === 'DynamoDB');
    expect(dynamo?.userAgent).toContain(`api/dynamodb#${versionOf('dynamodb')}`);
    const ses = calls.find((c) => c.service === 'sesv2');
    expect(ses?.userAgent).toContain(`api/sesv2#${versionOf('sesv2')}`);
  }, 60_000);

  it('sms-inbound reads a text from SNS and hands a person’s text to the reader (ReadReply)', async () => {
    // Arrange: a two-way SMS message as SNS delivers it
    const message = {
      originationNumber: '+15555550123',
      destinationNumber: '+15555550100',
      messageBody: 'Not right now, try me in March',
      inboundMessageId: 'sms-1',
    };
    const event = {
      Records: [
        {
          Sns: {
            MessageId: 'sns-1',
            Message: JSON.stringify(message),
            Timestamp: '2026-12-01T10:00:00.000Z',
          },
        },
      ],
    };

    // Act
    const { result, error, calls } = await runAgainstEndpoint('sms-inbound', event);

    // Assess: the text, as the reader reads it, went to ReadReply, whose answer is the function's
    expect(error).toBeUndefined();
    expect(result).toEqual([TEXT_READER_RESULT]);
    const invoke = calls.find((c) => c.service === 'lambda');
    expect(invoke?.userAgent).toContain(`api/lambda#${versionOf('lambda')}`);
    expect(JSON.parse(invoke?.body ?? '{}')).toEqual({
      kind: 'sms',
      id: 'sms-1',
      from: '+15555550123',
      to: '+15555550100',
      body: 'Not right now, try me in March',
      receivedAt: '2026-12-01T10:00:00.000Z',
    });
  }, 30_000);
});
