import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type SimulationResult, type Store, simulate } from '../local/simulate/index.ts';
import type { Budget, Measured } from './budget.ts';

/*
 * `followup simulate` on the memory engine against the local runtime (dynalite) on one seed (docs/architecture.md
 * §9): leads per second each and their ratio, whether they agree, and the 2,000-lead command end to end. Each
 * store's throughput is timed on a run long enough for its warm-up not to dominate: a 200-lead run on the memory
 * engine is mostly the JIT warming up, so its figure is 2,000 leads on one engine, with its 200-lead figure beside
 * it (the gap is the warm-up); dynalite, tens of times slower per lead, runs the 200 the agreement line compares.
 */

const ROOT = new URL('..', import.meta.url).pathname;
/** As bench/run.ts has always simulated: 200 web-inquiry leads, seed 7, 8% replies, half of them won. */
const RUN = { cadenceId: 'web-inquiry', leads: 200, seed: 7, replyRate: 0.08, winRate: 0.5 } as const;
const START = new Date('2026-07-06T09:00:00Z');
const LARGE_LEADS = 2000;
/** The memory engine's timed run: the size the CLI line runs, on one engine so only the engine's speed counts. */
const MEMORY_RUN = { ...RUN, leads: LARGE_LEADS, workers: 1 } as const;
const LARGE_BUDGET_S = 20;
const SPEEDUP_BUDGET = 30;

export interface SimulateFigures {
  /** The leads both stores ran for the agreement line, and dynalite's timed run. */
  readonly leads: number;
  /** The memory engine's timed run. */
  readonly memoryLeads: number;
  readonly memoryLeadsPerSecond: number;
  /**
   * The same run's leads per second of the process's CPU time (every thread's: GC's too): steadier than the wall
   * clock on a shared machine, so two runs of different code compare on it (docs/architecture.md §9).
   */
  readonly memoryLeadsPerCpuSecond: number;
  /** The memory engine on the agreement run's 200 leads, mostly warm-up: shown beside, not the budget. */
  readonly memoryLeadsPerSecondAt200: number;
  readonly dynaliteLeadsPerSecond: number;
  /** memory / dynalite leads per second. */
  readonly speedup: number;
  /** The figures that differ between the two stores; none when they agree. */
  readonly disagreements: readonly string[];
  /** `followup simulate --cadence web-inquiry --leads 2000 --seed 7 --json`, wall-clock seconds, process start included. */
  readonly largeRunSeconds: number;
  readonly largeRunExitCode: number | null;
  /** The memory run's result, for the bench's other lines (the report against a recount, the cost). */
  readonly result: SimulationResult;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

type SimulateRunOptions = Omit<Parameters<typeof simulate>[0], 'start' | 'store'>;

/**
 * `run` on `store`, with its leads per second. One lead runs on that store first, untimed: loading each engine's
 * modules is start-up, which the 2,000-lead line counts from the process's start; this line compares throughput.
 */
async function timed(
  store: Store,
  run: SimulateRunOptions = RUN,
): Promise<{ result: SimulationResult; leadsPerSecond: number; leadsPerCpuSecond: number }> {
  await simulate({ ...run, leads: 1, start: START, store });
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await simulate({ ...run, start: START, store, keepHistories: true });
  const { user, system } = process.cpuUsage(cpu);
  return {
    result,
    leadsPerSecond: round1(run.leads / ((performance.now() - started) / 1000)),
    leadsPerCpuSecond: round1(run.leads / ((user + system) / 1e6)),
  };
}

/** The figures two runs must share: everything but which store ran them. */
export function disagreements(a: SimulationResult, b: SimulationResult): string[] {
  const { store: _a, ...left } = a;
  const { store: _b, ...right } = b;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...keys].filter(
    (key) =>
      JSON.stringify((left as Record<string, unknown>)[key]) !==
      JSON.stringify((right as Record<string, unknown>)[key]),
  );
}

export async function measureSimulate(): Promise<Measured<SimulateFigures>> {
  const memory = await timed('memory');
  const memoryLarge = await timed('memory', MEMORY_RUN);
  const dynalite = await timed('dynalite');
  const started = performance.now();
  const large = spawnSync(
    process.execPath,
    [
      join(ROOT, 'bin/followup.js'),
      'simulate',
      '--cadence',
      'web-inquiry',
      '--leads',
      String(LARGE_LEADS),
      '--seed',
      '7',
      '--json',
    ],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const largeRunSeconds = round1((performance.now() - started) / 1000);
  const figures: SimulateFigures = {
    leads: RUN.leads,
    memoryLeads: MEMORY_RUN.leads,
    memoryLeadsPerSecond: memoryLarge.leadsPerSecond,
    memoryLeadsPerCpuSecond: memoryLarge.leadsPerCpuSecond,
    memoryLeadsPerSecondAt200: memory.leadsPerSecond,
    dynaliteLeadsPerSecond: dynalite.leadsPerSecond,
    speedup: round1(memoryLarge.leadsPerSecond / dynalite.leadsPerSecond),
    disagreements: disagreements(memory.result, dynalite.result),
    largeRunSeconds,
    largeRunExitCode: large.status,
    result: memory.result,
  };
  const budgets: Budget[] = [
    {
      budget: `simulate memory ≥ ${SPEEDUP_BUDGET}× dynalite leads/s`,
      pass: figures.speedup >= SPEEDUP_BUDGET,
      figure: `${figures.memoryLeadsPerSecond} leads/s on ${figures.memoryLeads} leads (${figures.memoryLeadsPerCpuSecond} a CPU second; ${figures.memoryLeadsPerSecondAt200} on ${figures.leads}) vs ${figures.dynaliteLeadsPerSecond} on ${figures.leads} (${figures.speedup}×)`,
    },
    {
      budget: 'memory and dynalite agree on touches, transitions, cost and report',
      pass: figures.disagreements.length === 0,
      figure:
        figures.disagreements.length === 0
          ? `${memory.result.touches} touches, ${memory.result.transitions} transitions, $${memory.result.costUsd}`
          : `differ on ${figures.disagreements.join(', ')}`,
    },
    {
      budget: `followup simulate --leads ${LARGE_LEADS} --json in under ${LARGE_BUDGET_S} s`,
      pass: large.status === 0 && largeRunSeconds < LARGE_BUDGET_S,
      figure: `${largeRunSeconds} s, exit ${large.status}`,
    },
  ];
  return { figures, budgets };
}

// `npx tsx bench/simulate.ts`: this measure alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { figures, budgets } = await measureSimulate();
  const { result: _result, ...shown } = figures;
  process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  for (const b of budgets) process.stdout.write(`${b.pass ? 'PASS' : 'FAIL'} ${b.budget}: ${b.figure}\n`);
}
