import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScaledClock } from '../local/clock.ts';
import { startRuntime } from '../local/runtime.ts';
import type { Budget, Measured } from './budget.ts';

export interface IntakeFigures {
  readonly requests: number;
  readonly concurrency: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** DynamoDB requests a signup sends (BatchWriteItem counts once: what the runtime's threads handle). */
  readonly dynamoRequestsPerSignup: number;
  /** The cadence the posts enroll in. */
  readonly cadence: string;
}

/** Both runs: intake alone (the budget) and web-inquiry's, whose instant reply each post also sends at once. */
export interface IntakeRuns extends IntakeFigures {
  readonly withInstantReply: IntakeFigures;
}

/** The budget of docs/architecture.md §9: a person posting the form waits no longer than this, 8 posting at once. */
const P99_BUDGET_MS = 100;

/**
 * A Tuesday, 03:00 in Chicago: the proposal cadence's first touch waits for 09:00, so its run measures the intake
 * alone, whatever the time of day it runs at; web-inquiry's instant reply goes out at once, at any hour, so its run
 * measures the intake while each post's reply is sent (bench/restart.ts measures the touches due at once).
 */
const POSTED_AT = Date.parse('2026-06-02T08:00:00Z');
/** A form cadence (followup.config.json formCadences) with no immediate step. */
const ALONE_CADENCE = 'proposal';

const percentile = (sorted: number[], p: number) =>
  Math.round((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0) * 10) / 10;

/**
 * The people posting the form, in a process of their own as browsers would be: `concurrency` at a time, each
 * waiting for its answer before the next post. Prints each post's latency in ms, as JSON.
 */
const POSTERS = `
const [url, requests, concurrency, who, cadence] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3]), process.argv[4], process.argv[5]];
const latencies = [];
let next = 0;
const poster = async () => {
  while (next < requests) {
    const i = next++;
    const started = performance.now();
    const response = await fetch(url + '/leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ email: who + '-' + i + '@example.com', name: 'Bench ' + i, company: 'Bench Co', cadence }),
    });
    await response.text();
    if (response.status !== 202) throw new Error('POST /leads answered ' + response.status);
    latencies.push(performance.now() - started);
  }
};
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, poster));
process.stdout.write(JSON.stringify({ latencies, seconds: (performance.now() - started) / 1000 }));
`;

function post(url: string, requests: number, concurrency: number, who: string, cadence: string) {
  return new Promise<{ latencies: number[]; seconds: number }>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', POSTERS, url, String(requests), String(concurrency), who, cadence],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

/**
 * POST /leads against the local runtime as `npm start` runs it (a data folder, so executions are saved to disk): the
 * intake handler, dynalite and the local Step Functions API. A few posts first warm it up, as any first visitor would.
 */
export async function measureIntake(
  requests = 400,
  concurrency = 8,
  cadence = ALONE_CADENCE,
): Promise<IntakeFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'followup-bench-intake-'));
  const runtime = await startRuntime({ port: 0, dataDir, clock: new ScaledClock(1, POSTED_AT) });
  try {
    await post(runtime.url, concurrency, concurrency, 'warm-up', cadence);
    let sent = 0;
    runtime.clients.documents.middlewareStack.add(
      (next) => (args) => {
        sent++;
        return next(args);
      },
      { step: 'initialize', name: 'benchRequestCount' },
    );
    const { latencies, seconds } = await post(runtime.url, requests, concurrency, 'bench', cadence);
    latencies.sort((a, b) => a - b);
    return {
      requests,
      concurrency,
      rps: Math.round(requests / seconds),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      dynamoRequestsPerSignup: Math.round((sent / requests) * 100) / 100,
      cadence,
    };
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The same run with its budget line. */
export async function measureIntakeBudget(requests = 400, concurrency = 8): Promise<Measured<IntakeRuns>> {
  const alone = await measureIntake(requests, concurrency);
  const withInstantReply = await measureIntake(requests, concurrency, 'web-inquiry');
  const w = withInstantReply;
  const budgets: Budget[] = [
    {
      budget: `intake p99 ≤ ${P99_BUDGET_MS} ms at concurrency ${concurrency}`,
      pass: alone.p99Ms <= P99_BUDGET_MS,
      figure: `p99 ${alone.p99Ms} ms, p50 ${alone.p50Ms} ms, ${alone.rps} requests/s over ${requests} posts, ${alone.dynamoRequestsPerSignup} DynamoDB requests a signup (web-inquiry, each post's instant reply sent meanwhile: p99 ${w.p99Ms} ms, p50 ${w.p50Ms} ms, ${w.rps} requests/s)`,
    },
  ];
  return { figures: { ...alone, withInstantReply }, budgets };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { figures, budgets } = await measureIntakeBudget(Number(process.argv[2] ?? 400));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  for (const b of budgets) process.stdout.write(`${b.pass ? 'PASS' : 'FAIL'} ${b.budget}: ${b.figure}\n`);
}
