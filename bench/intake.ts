import { performance } from 'node:perf_hooks';
import { startRuntime } from '../local/runtime.ts';

export interface IntakeFigures {
  readonly requests: number;
  readonly concurrency: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const percentile = (sorted: number[], p: number) =>
  Math.round((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0) * 10) / 10;

/** POST /leads against the local runtime (the intake handler, dynalite and the local Step Functions API). */
export async function measureIntake(requests = 400, concurrency = 8): Promise<IntakeFigures> {
  const runtime = await startRuntime({ port: 0, speed: 1 });
  try {
    const latencies: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < requests) {
        const i = next++;
        const started = performance.now();
        const response = await fetch(`${runtime.url}/leads`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ email: `bench-${i}@example.com`, name: `Bench ${i}`, company: 'Bench Co' }),
        });
        await response.text();
        if (response.status !== 202) throw new Error(`POST /leads answered ${response.status}`);
        latencies.push(performance.now() - started);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      requests,
      concurrency,
      rps: Math.round(requests / seconds),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    };
  } finally {
    await runtime.stop();
  }
}
