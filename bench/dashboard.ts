import { performance } from 'node:perf_hooks';
import { DynamoLeadStore } from '../functions/adapters/dynamo/lead-store.ts';
import { leadUpsert } from '../functions/domain/enroll.ts';
import { leadIdFor } from '../functions/domain/lead.ts';
import { startRuntime } from '../local/runtime.ts';
import type { Budget, Measured } from './budget.ts';

/*
 * The dashboard's first page (GET / and GET /api/leads) on the local runtime with 100, 1,000 and 10,000 leads:
 * its time and its DynamoDB requests per page, which must not grow with the leads (docs/architecture.md §9).
 */

export interface DashboardFigures {
  /** Leads in the table when measured. */
  readonly leads: number;
  /** Median milliseconds of GET / and of GET /api/leads. */
  readonly dashboardMs: number;
  readonly apiLeadsMs: number;
  /** DynamoDB requests of one GET / and one GET /api/leads. */
  readonly dashboardRequests: number;
  readonly apiLeadsRequests: number;
}

const SIZES = [100, 1_000, 10_000] as const;
const SAMPLES = 9;
const START = Date.parse('2026-06-01T09:00:00Z');

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.floor(sorted.length / 2)] ?? 0) * 10) / 10;
};

/** Real leads, written as intake writes them (the lead and its listing), a minute apart, 16 at a time. */
async function seed(store: DynamoLeadStore, from: number, to: number): Promise<void> {
  let next = from;
  const writer = async () => {
    while (next < to) {
      const n = next++;
      const email = `dashboard-${n}@example.com`;
      const at = new Date(START + n * 60_000).toISOString();
      await store.upsertLead(
        leadUpsert(leadIdFor(email), { email, name: `Lead ${n}`, company: 'Bench Co' }, at),
      );
    }
  };
  await Promise.all(Array.from({ length: 16 }, writer));
}

export async function measureDashboard(): Promise<Measured<DashboardFigures[]>> {
  const runtime = await startRuntime({ port: 0, speed: 1 });
  let requests = 0;
  // Every DynamoDB request of the page: the server's reads and any the handlers make meanwhile.
  for (const client of [runtime.ddb, runtime.clients.documents]) {
    const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(client, {
      send: (...args: unknown[]) => {
        requests++;
        return send(...args);
      },
    });
  }
  const store = new DynamoLeadStore({ client: runtime.ddb, tableName: runtime.tableName });
  const timed = async (path: string) => {
    const before = requests;
    const started = performance.now();
    const answer = await fetch(`${runtime.url}${path}`);
    await answer.arrayBuffer();
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}`);
    return { ms: performance.now() - started, requests: requests - before };
  };
  const figures: DashboardFigures[] = [];
  try {
    let seeded = 0;
    for (const leads of SIZES) {
      await seed(store, seeded, leads);
      seeded = leads;
      // Unmeasured first: the page's code and the table's caches are warm for every size alike.
      for (let i = 0; i < 3; i++) await Promise.all([timed('/'), timed('/api/leads')]);
      const dashboard = [];
      const api = [];
      for (let i = 0; i < SAMPLES; i++) {
        dashboard.push(await timed('/'));
        api.push(await timed('/api/leads'));
      }
      figures.push({
        leads,
        dashboardMs: median(dashboard.map((s) => s.ms)),
        apiLeadsMs: median(api.map((s) => s.ms)),
        dashboardRequests: median(dashboard.map((s) => s.requests)),
        apiLeadsRequests: median(api.map((s) => s.requests)),
      });
    }
  } finally {
    await runtime.stop();
  }
  return { figures, budgets: dashboardBudgets(figures) };
}

function dashboardBudgets(figures: readonly DashboardFigures[]): Budget[] {
  const [small, , large] = figures as [DashboardFigures, DashboardFigures, DashboardFigures];
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const flat = (pick: (f: DashboardFigures) => number) => figures.every((f) => pick(f) <= pick(small));
  return [
    {
      budget: 'dashboard first page (GET /) with 10,000 leads ≤ 2× its time with 100',
      pass: large.dashboardMs <= 2 * small.dashboardMs,
      figure: `${large.dashboardMs} ms vs ${small.dashboardMs} ms (${ratio(large.dashboardMs, small.dashboardMs)})`,
    },
    {
      budget: 'GET /api/leads first page with 10,000 leads ≤ 2× its time with 100',
      pass: large.apiLeadsMs <= 2 * small.apiLeadsMs,
      figure: `${large.apiLeadsMs} ms vs ${small.apiLeadsMs} ms (${ratio(large.apiLeadsMs, small.apiLeadsMs)})`,
    },
    {
      budget: 'dashboard DynamoDB requests per page flat as leads grow ×10 and ×100',
      pass: flat((f) => f.dashboardRequests) && flat((f) => f.apiLeadsRequests),
      figure: figures.map((f) => `${f.leads}: ${f.dashboardRequests} + ${f.apiLeadsRequests}`).join(', '),
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { figures, budgets } = await measureDashboard();
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  for (const b of budgets) process.stdout.write(`${b.pass ? 'PASS' : 'FAIL'} ${b.budget}: ${b.figure}\n`);
}
