import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { httpEvent } from '../local/api-event.ts';
import { ScaledClock } from '../local/clock.ts';
import { type Runtime, startRuntime } from '../local/runtime.ts';
import type { Budget, Measured } from './budget.ts';

/*
 * A restart with thousands of leads in flight (docs/architecture.md §9): enroll them in web-inquiry at 03:00 in
 * Chicago, when its instant reply waits for 08:00; stop; start again at 08:00, when every one of those touches is due
 * at once, and read leads' pages through GET /api/leads/:id while the runtime resumes and sends them.
 */

export interface RestartFigures {
  readonly leads: number;
  readonly resumed: number;
  /** Seconds the reads went on after the second start. */
  readonly windowSeconds: number;
  /** Milliseconds from the second start until the runtime answered. */
  readonly readyMs: number;
  readonly reads: number;
  readonly maxMs: number;
  readonly p99Ms: number;
  /** Touches sent within the window: the resumed executions were running, not just listed. */
  readonly touchesSent: number;
}

/** A Tuesday, 03:00 in Chicago: the instant reply's window (08:00–21:00) opens five hours later. */
const ENROLLED_AT = Date.parse('2026-06-02T08:00:00Z');
const DUE_AT = Date.parse('2026-06-02T13:00:05Z');

async function enroll(runtime: Runtime, leads: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < leads) {
      const n = next++;
      const body = JSON.stringify({
        email: `restart-${n}@example.com`,
        name: `Lead ${n}`,
        cadence: 'web-inquiry',
      });
      const answer = await runtime.intake(
        httpEvent('POST', '/leads', {
          body,
          headers: { 'content-type': 'application/json', accept: 'application/json' },
        }),
      );
      if (answer.statusCode !== 202)
        throw new Error(`the intake answered ${answer.statusCode}: ${answer.body}`);
      ids.push((JSON.parse(answer.body ?? '{}') as { leadId: string }).leadId);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ids;
}

export async function measureRestart(leads = 2_000, windowSeconds = 20): Promise<Measured<RestartFigures>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'followup-bench-restart-'));
  try {
    const first = await startRuntime({ port: 0, dataDir, clock: new ScaledClock(1, ENROLLED_AT) });
    const ids = await enroll(first, leads).finally(() => first.stop());

    const started = performance.now();
    const second = await startRuntime({ port: 0, dataDir, clock: new ScaledClock(1, DUE_AT) });
    const readyMs = Math.round(performance.now() - started);
    const latencies: number[] = [];
    try {
      // Reads one after another from the moment the runtime answers, as a person clicking through would.
      for (let i = 0; performance.now() - started < windowSeconds * 1000; i++) {
        const id = ids[(i * 7919) % ids.length] as string;
        const asked = performance.now();
        const answer = await fetch(`${second.url}/api/leads/${id}`);
        await answer.arrayBuffer();
        if (answer.status !== 200) throw new Error(`GET /api/leads/${id} answered ${answer.status}`);
        latencies.push(performance.now() - asked);
      }
      const touchesSent = (
        (await (await fetch(`${second.url}/api/mailbox`)).json()) as { destination: { to: string[] } }[]
      ).filter((m) => m.destination.to.some((to) => to.startsWith('restart-'))).length;
      latencies.sort((a, b) => a - b);
      const round = (ms: number) => Math.round(ms * 10) / 10;
      const figures: RestartFigures = {
        leads,
        resumed: second.resumed,
        windowSeconds,
        readyMs,
        reads: latencies.length,
        maxMs: round(latencies.at(-1) ?? 0),
        p99Ms: round(latencies[Math.floor(latencies.length * 0.99)] ?? 0),
        touchesSent,
      };
      const budgets: Budget[] = [
        {
          budget: `restart with ${leads} leads in flight: GET /api/leads/:id max latency < 1 s while it resumes`,
          pass: figures.maxMs < 1_000 && figures.resumed === leads && touchesSent > 0,
          figure: `ready in ${readyMs} ms, then max ${figures.maxMs} ms, p99 ${figures.p99Ms} ms over ${figures.reads} reads in ${windowSeconds} s; ${figures.resumed} resumed, ${touchesSent} touches sent meanwhile`,
        },
      ];
      return { figures, budgets };
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { figures, budgets } = await measureRestart(Number(process.argv[2] ?? 2_000));
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  for (const b of budgets) process.stdout.write(`${b.pass ? 'PASS' : 'FAIL'} ${b.budget}: ${b.figure}\n`);
}
