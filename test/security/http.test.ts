import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../functions/adapters/cadence-catalog.ts';
import { SfnExecutions } from '../../functions/adapters/sfn-executions.ts';
import { signOutcomeToken } from '../../functions/domain/outcome-links.ts';
import { signWebhook } from '../../functions/domain/shop.ts';
import { MAX_BODY_BYTES, makeIntakeHandler } from '../../functions/handlers/intake.ts';
import { makeOutcomeHandler } from '../../functions/handlers/outcome.ts';
import {
  makeShopWebhookHandler,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from '../../functions/handlers/shop-webhook.ts';
import { MemoryLeadStore } from '../../local/memory/lead-store.ts';
import {
  ALL_CADENCES,
  ARN_TEMPLATE,
  CREDENTIALS,
  REGION,
  recordingLogger,
} from '../support/handler-fixtures.ts';
import { enrolled, KEY, type World, world } from '../support/signal-fixtures.ts';

/*
 * The public HTTP surface refuses what it should before doing any work: bodies over the limit (413), expired and
 * altered outcome links (410, 400), and records nothing when it refuses.
 */

const NOW = new Date('2026-03-05T18:00:00Z');
const DAY = 86_400_000;

function request(
  method: string,
  path: string,
  body: string,
  headers: Record<string, string>,
  extra: Partial<APIGatewayProxyEventV2> = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers,
    body,
    isBase64Encoded: false,
    requestContext: { http: { method, path }, requestId: `req-${Math.random()}` },
    ...extra,
  } as unknown as APIGatewayProxyEventV2;
}

const answer = (r: unknown) => r as APIGatewayProxyStructuredResultV2;

describe('POST /leads body limit', () => {
  let store: MemoryLeadStore;
  const intake = () =>
    makeIntakeHandler({
      store,
      executions: new SfnExecutions({
        client: new SFNClient({ region: REGION, credentials: CREDENTIALS }),
        stateMachineArnTemplate: ARN_TEMPLATE,
      }),
      cadences: new StaticCadenceCatalog(ALL_CADENCES),
      defaultTimeZone: 'America/Chicago',
      allowedCadences: async () => ['web-inquiry'],
      defaultCadence: 'web-inquiry',
      allowedOrigins: [],
      logger: recordingLogger(),
      clock: () => NOW,
    });
  beforeEach(() => {
    store = new MemoryLeadStore();
  });

  /** A JSON signup whose body is exactly `bytes` long. */
  const jsonOf = (bytes: number) => {
    const head = '{"email":"jordan@example.com","note":"';
    const tail = '"}';
    return `${head}${'n'.repeat(bytes - head.length - tail.length)}${tail}`;
  };
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  const form = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };

  it.each([
    ['JSON', () => request('POST', '/leads', jsonOf(MAX_BODY_BYTES + 1), json)],
    [
      'a form',
      () => request('POST', '/leads', `email=a%40example.com&note=${'n'.repeat(MAX_BODY_BYTES)}`, form),
    ],
    [
      'base64 (counted decoded)',
      () =>
        request('POST', '/leads', Buffer.from(jsonOf(MAX_BODY_BYTES + 1)).toString('base64'), json, {
          isBase64Encoded: true,
        }),
    ],
    [
      'multi-byte characters (counted in bytes)',
      () =>
        request(
          'POST',
          '/leads',
          `{"email":"a@example.com","note":"${'é'.repeat(MAX_BODY_BYTES / 2)}"}`,
          json,
        ),
    ],
  ])('over the limit as %s: 413, nothing stored', async (_what, event) => {
    const response = answer(await intake()(event(), {} as Context));
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(String(response.body)).message).toMatch(/too large/);
    expect(store.size).toBe(0);
  });

  it('at the limit exactly: read and validated (here the note is too long for its field: 400, not 413)', async () => {
    const body = jsonOf(MAX_BODY_BYTES);
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);
    const response = answer(await intake()(request('POST', '/leads', body, json), {} as Context));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(String(response.body)).errors).toHaveProperty('note');
  });
});

describe('outcome links', () => {
  let w: World;
  let leadId: string;
  const outcome = () =>
    makeOutcomeHandler({
      ...w.deps,
      signingKey: async () => KEY,
      businessName: 'Northwind',
      clock: () => NOW,
    });
  const link = (method: string, token: string, body = '') =>
    outcome()(
      request(
        method,
        `/o/${token}`,
        body,
        { 'content-type': 'application/x-www-form-urlencoded' },
        {
          pathParameters: { token },
        },
      ),
      {} as Context,
    ).then(answer);

  beforeEach(async () => {
    w = world();
    ({ leadId } = await enrolled(w, { email: 'jordan@example.com', name: 'Jordan' }, 'web-inquiry', NOW));
  });

  it('an expired link answers 410 to GET and POST and records nothing', async () => {
    const token = signOutcomeToken({ leadId, result: 'won', expiresAt: new Date(NOW.getTime() - 1000) }, KEY);
    const before = w.store.leads.get(leadId)?.status;
    expect((await link('GET', token)).statusCode).toBe(410);
    expect((await link('POST', token, 'value=900')).statusCode).toBe(410);
    expect(w.store.leads.get(leadId)?.status).toBe(before);
    expect(w.store.signals.size).toBe(0);
  });

  it('a link signed with another key answers 400 and records nothing', async () => {
    const token = signOutcomeToken(
      { leadId, result: 'won', expiresAt: new Date(NOW.getTime() + DAY) },
      'not-the-key',
    );
    expect((await link('POST', token, 'value=900')).statusCode).toBe(400);
    expect(w.store.signals.size).toBe(0);
  });

  it(`the rep's outcome API refuses a body over 10 KB with 413`, async () => {
    const response = await outcome()(
      request(
        'POST',
        `/leads/${leadId}/outcome`,
        JSON.stringify({ result: 'won', note: 'n'.repeat(10_300) }),
        {
          'content-type': 'application/json',
        },
        { pathParameters: { id: leadId } },
      ),
      {} as Context,
    );
    expect(answer(response).statusCode).toBe(413);
    expect(w.store.signals.size).toBe(0);
  });
});

describe('shop webhook', () => {
  it('refuses a body over 64 KB with 413 before checking its signature or reading it', async () => {
    const w = world();
    const body = JSON.stringify({ type: 'order.completed', detail: { pad: 'x'.repeat(65 * 1024) } });
    const handler = makeShopWebhookHandler({
      ...w.deps,
      webhookSecret: async () => KEY,
      clock: () => NOW,
      wallClock: () => NOW,
    });
    const { timestamp, signature } = signWebhook(body, KEY, NOW);
    const response = await handler(
      request('POST', '/shop/events', body, { [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp }),
      {} as Context,
    );
    expect(answer(response).statusCode).toBe(413);
    expect(w.store.signals.size).toBe(0);
  });
});
