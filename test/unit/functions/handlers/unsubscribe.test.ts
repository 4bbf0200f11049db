import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { suppressionKey } from '../../../../functions/domain/lead.ts';
import { signToken } from '../../../../functions/domain/tokens.ts';
import { makeUnsubscribeHandler } from '../../../../functions/handlers/unsubscribe.ts';
import { enrolled, KEY, stops, type World, world } from '../../../support/signal-fixtures.ts';

const NOW = new Date('2026-03-05T18:00:00Z');
const EMAIL = 'jordan.alvarez@example.com';

let w: World;
let leadId: string;

function request(method: 'GET' | 'POST', token: string, body = ''): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} /u/{token}`,
    rawPath: `/u/${token}`,
    rawQueryString: '',
    headers: method === 'POST' ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {},
    pathParameters: { token },
    body,
    isBase64Encoded: false,
    requestContext: { http: { method, path: `/u/${token}` }, requestId: 'req-1' },
  } as unknown as APIGatewayProxyEventV2;
}

/** The page's text as a browser shows it. */
const shown = (html = '') =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

async function call(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const handler = makeUnsubscribeHandler({
    ...w.deps,
    signingKey: async () => KEY,
    businessName: 'Northwind <Supply>',
    clock: () => NOW,
  });
  return handler(event, {} as Context);
}

beforeEach(async () => {
  w = world();
  ({ leadId } = await enrolled(w, { email: EMAIL }, 'web-inquiry', new Date('2026-03-04T15:30:00Z')));
});

describe('unsubscribe', () => {
  it('GET shows a page that asks with a button, and changes nothing (mail scanners follow links)', async () => {
    // Act
    const response = await call(request('GET', signToken(leadId, KEY)));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['Content-Type']).toContain('text/html');
    expect(response.body).toContain('<form method="post">');
    expect(response.body).toContain('Northwind &lt;Supply&gt;');
    expect(w.store.leads.get(leadId)?.status).toBe('active');
  });

  it('RFC 8058 one-click POST unsubscribes, suppresses the address and stops the cadence', async () => {
    // Act
    const response = await call(request('POST', signToken(leadId, KEY), 'List-Unsubscribe=One-Click'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(shown(response.body)).toContain("You're unsubscribed");
    expect(w.store.leads.get(leadId)?.status).toBe('unsubscribed');
    expect(await w.store.isSuppressed([suppressionKey(EMAIL)])).toBe(true);
    expect(stops()).toHaveLength(1);
  });

  it('is idempotent: a second click answers the same and records nothing more', async () => {
    // Prepare
    const token = signToken(leadId, KEY);
    await call(request('POST', token, 'List-Unsubscribe=One-Click'));
    const events = w.store.events.length;

    // Act
    const again = await call(request('POST', token, 'List-Unsubscribe=One-Click'));

    // Assess
    expect(again.statusCode).toBe(200);
    expect(shown(again.body)).toContain("You're unsubscribed");
    expect(w.store.events).toHaveLength(events);
    expect(stops()).toHaveLength(1);
  });

  it.each([
    ['a forged signature', () => `${leadId}.AAAAAAAAAAAAAAAAAAAAAA`],
    ['a token signed with another key', () => signToken(leadId, 'another-key')],
    ['garbage', () => 'not-a-token'],
  ])('%s gets a 400 page, no stack trace, and nothing changes', async (_, token) => {
    // Act
    const response = await call(request('POST', token(), 'List-Unsubscribe=One-Click'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('This link does not work');
    expect(response.body).not.toMatch(/at .+\.ts:\d+/);
    expect(w.store.leads.get(leadId)?.status).toBe('active');
    expect(w.store.suppressions.size).toBe(0);
    expect(stops()).toEqual([]);
  });

  it('an unexpected failure answers a plain 500 page, never a stack trace', async () => {
    // Prepare
    w.store.getLead = async () => {
      throw new Error(`table exploded at ${import.meta.url}:42`);
    };

    // Act
    const response = await call(request('POST', signToken(leadId, KEY), 'List-Unsubscribe=One-Click'));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).toContain('Something went wrong on our side');
    expect(response.body).not.toContain('exploded');
  });
});
