import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeShopWebhookHandler } from '../../../../functions/handlers/shop-webhook.ts';
import { world } from '../../../support/signal-fixtures.ts';

/*
 * The README's signed curl example, run as written (bash, openssl, curl) against the webhook handler on loopback:
 * what a shop's developer pastes must be accepted, and pasting it twice must not count the event twice.
 */

const SECRET = 'readme-webhook-secret';
const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
const snippet = /\*\*Shops\*\*[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

let server: Server;
let url: string;

beforeAll(async () => {
  const w = world();
  const handler = makeShopWebhookHandler({ ...w.deps, webhookSecret: async () => SECRET });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const event = {
        version: '2.0',
        routeKey: 'POST /shop/events',
        rawPath: '/shop/events',
        rawQueryString: '',
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString('utf8'),
        isBase64Encoded: false,
        requestContext: { http: { method: req.method }, requestId: 'readme' },
      } as unknown as APIGatewayProxyEventV2;
      const result = await handler(event, {} as Context);
      res.writeHead(result.statusCode ?? 500, { 'content-type': 'application/json' });
      res.end(result.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/shop/events`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const run = async () => {
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', snippet], {
    env: { PATH: process.env.PATH, SHOP_WEBHOOK_URL: url, SHOP_WEBHOOK_SECRET: SECRET, NO_PROXY: '*' },
  });
  return JSON.parse(stdout) as Record<string, unknown>;
};

describe("the README's signed webhook example", () => {
  it('is accepted as written, and sent twice is answered as a duplicate', async () => {
    // Act
    const first = await run();
    const again = await run();

    // Assess
    expect(snippet).toContain('X-Followup-Timestamp');
    expect(first).toMatchObject({ ok: true, type: 'order.completed' });
    expect(again).toEqual({ ok: true, duplicate: true });
  });
});
