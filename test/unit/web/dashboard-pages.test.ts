import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLeadStore } from '../../../functions/adapters/dynamo/lead-store.ts';
import { leadUpsert } from '../../../functions/domain/enroll.ts';
import { leadIdFor } from '../../../functions/domain/lead.ts';
import { type AppRuntime, createAppServer } from '../../../local/server.ts';
import { createFollowupTable } from '../../../local/table.ts';
import { documentProblems, textOf } from '../../support/html-check.ts';

/*
 * The dashboard's leads, page by page, from the local server over a real (dynalite) table: 50 a page, newest first,
 * a search by email or company, next and previous links that carry the cursor, and links that cannot break it.
 */

const NOW = '2026-12-21T15:00:00.000Z';
const START = Date.parse('2026-09-01T12:00:00.000Z');
const emailOf = (n: number) => `lead${String(n).padStart(3, '0')}@example.com`;
/** Every tenth lead works at Northwind. */
const companyOf = (n: number) => (n % 10 === 0 ? 'Northwind Traders' : 'Acme Roofing');

let dynamo: Server;
let app: Server;
let raw: DynamoDBClient;
let base: string;

const listen = (server: Server) =>
  new Promise<string>((done) =>
    server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
const close = (server: Server) => new Promise<void>((done) => server.close(() => done()));
const noAnswer = async () => ({ statusCode: 500 });

beforeAll(async () => {
  dynamo = dynalite({ createTableMs: 0 });
  raw = new DynamoDBClient({
    endpoint: await listen(dynamo),
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const tableName = 'followup-dashboard-pages';
  await createFollowupTable(raw, tableName);
  const store = new DynamoLeadStore({ client, tableName });
  for (let n = 0; n < 120; n++) {
    const email = emailOf(n);
    const at = new Date(START + n * 13 * 3_600_000).toISOString();
    await store.upsertLead(leadUpsert(leadIdFor(email), { email, company: companyOf(n) }, at));
  }
  const runtime: AppRuntime = {
    ddb: client,
    tableName,
    clock: { now: () => new Date(NOW) },
    mailboxUrl: 'http://127.0.0.1:8005',
    emails: [],
    outbox: [],
    cadences: [{ id: 'web-inquiry' }],
    config: { defaultCadence: 'web-inquiry', replyDomain: 'reply.example.com', sms: {} },
    intake: noAnswer,
    sfn: { list: () => [] },
    redrive: noAnswer,
    signals: {
      inboundEmail: noAnswer,
      sesEvents: noAnswer,
      unsubscribe: noAnswer,
      smsInbound: noAnswer,
      outcome: noAnswer,
      shopEvents: noAnswer,
      shopWebhook: noAnswer,
    },
    signingKey: 'test-signing-key',
    rawMail: { put: () => undefined },
  };
  const server = createAppServer();
  server.attach(runtime);
  app = server.server;
  base = await listen(app);
}, 60_000);

afterAll(async () => {
  await close(app);
  raw.destroy();
  await close(dynamo);
});

/** The dashboard at `path`: its lead rows (as text) and its next and previous links. */
async function dashboardAt(path: string) {
  const response = await fetch(`${base}${path}`);
  const page = await response.text();
  const tbody = /<caption[^>]*>Leads[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page)?.[1] ?? '';
  const rows = [...tbody.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => textOf(m[1] ?? ''));
  const link = (rel: string) =>
    new RegExp(`<a href="([^"]*)" rel="${rel}">`).exec(page)?.[1]?.replaceAll('&amp;', '&');
  return { status: response.status, page, rows, next: link('next'), previous: link('prev') };
}

const emailsOf = (rows: readonly string[]) => rows.map((row) => /lead\d{3}@example\.com/.exec(row)?.[0]);

describe('the dashboard’s leads, 50 a page', () => {
  it('shows the newest 50 first with a link to the next page, and the last 20 on page 3 with none', async () => {
    // Act
    const first = await dashboardAt('/');
    const second = await dashboardAt(first.next ?? '');
    const third = await dashboardAt(second.next ?? '');
    const back = await dashboardAt(third.previous ?? '');

    // Assess
    expect(first.status).toBe(200);
    expect(documentProblems(first.page)).toEqual([]);
    expect(emailsOf(first.rows)).toEqual(Array.from({ length: 50 }, (_, i) => emailOf(119 - i)));
    expect(first.next).toMatch(/^\/\?cursor=/);
    expect(first.previous).toBeUndefined();
    expect(emailsOf(second.rows)).toEqual(Array.from({ length: 50 }, (_, i) => emailOf(69 - i)));
    expect(second.previous).toBe('/');
    expect(emailsOf(third.rows)).toEqual(Array.from({ length: 20 }, (_, i) => emailOf(19 - i)));
    expect(third.next).toBeUndefined();
    expect(back.rows).toEqual(second.rows);
    expect(textOf(first.page)).toContain('120 Leads');
  });

  it('finds a company’s leads and only them, whatever the case of the search', async () => {
    // Act
    const found = await dashboardAt('/?search=NORTHWIND');

    // Assess
    expect(found.rows).toHaveLength(12);
    expect(found.rows.every((row) => row.includes('Northwind Traders'))).toBe(true);
    expect(found.next).toBeUndefined();
    expect(found.page).toContain('value="NORTHWIND"');
  });

  it('keeps the search on the next page’s link', async () => {
    // Act
    const first = await dashboardAt('/?search=acme');
    const second = await dashboardAt(first.next ?? '');

    // Assess
    expect(first.next).toContain('search=acme');
    expect(first.rows).toHaveLength(50);
    expect(second.rows).toHaveLength(50);
    expect(second.rows.every((row) => row.includes('Acme Roofing'))).toBe(true);
    expect(new Set([...emailsOf(first.rows), ...emailsOf(second.rows)]).size).toBe(100);
  });

  it('takes a cursor from another search as a place in the list, and a damaged one as the first page', async () => {
    // Prepare
    const acme = await dashboardAt('/?search=acme');
    const cursor = new URLSearchParams((acme.next ?? '').slice(2)).get('cursor') ?? '';

    // Act
    const elsewhere = await dashboardAt(`/?search=northwind&cursor=${cursor}`);
    const damaged = await dashboardAt('/?cursor=bm90LWEtY3Vyc29y&trail=x.y');
    const api = await fetch(`${base}/api/leads?cursor=bm90LWEtY3Vyc29y`);

    // Assess
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.rows.every((row) => row.includes('Northwind Traders'))).toBe(true);
    expect(damaged.status).toBe(200);
    expect(emailsOf(damaged.rows)[0]).toBe(emailOf(119));
    expect(textOf(damaged.page)).toContain('That page link is out of date or damaged');
    expect(api.status).toBe(400);
    expect(((await api.json()) as { message: string }).message).toContain('start again from the first page');
  });

  it('answers GET /api/leads a page at a time, with the cursor of the next', async () => {
    // Act
    const first = (await (await fetch(`${base}/api/leads?limit=100`)).json()) as {
      leads: { email: string }[];
      nextCursor?: string;
    };
    const rest = (await (
      await fetch(`${base}/api/leads?limit=100&cursor=${first.nextCursor ?? ''}`)
    ).json()) as { leads: { email: string }[]; nextCursor?: string };

    // Assess
    expect(first.leads).toHaveLength(100);
    expect(rest.leads.map((l) => l.email)).toEqual(Array.from({ length: 20 }, (_, i) => emailOf(19 - i)));
    expect(rest.nextCursor).toBeUndefined();
  });
});
