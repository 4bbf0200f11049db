import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLeadStore } from '../../../functions/adapters/dynamo/lead-store.ts';
import { leadUpsert } from '../../../functions/domain/enroll.ts';
import { leadIdFor } from '../../../functions/domain/lead.ts';
import { type DashboardServer, startDashboard } from '../../support/dashboard-server.ts';
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

let dashboard: DashboardServer;
let base: string;

beforeAll(async () => {
  dashboard = await startDashboard({
    tableName: 'followup-dashboard-pages',
    now: NOW,
    cadences: [{ id: 'web-inquiry' }],
    defaultCadence: 'web-inquiry',
    seed: async ({ client, tableName }) => {
      const store = new DynamoLeadStore({ client, tableName });
      for (let n = 0; n < 120; n++) {
        const email = emailOf(n);
        const at = new Date(START + n * 13 * 3_600_000).toISOString();
        await store.upsertLead(leadUpsert(leadIdFor(email), { email, company: companyOf(n) }, at));
      }
    },
  });
  base = dashboard.base;
}, 60_000);

afterAll(() => dashboard.stop());

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
