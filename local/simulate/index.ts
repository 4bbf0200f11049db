import { cadenceIn, checkFormStarts } from './chosen-cadence.ts';
import { checkReplyMix, orderedMix, type ReplyMix } from './reply-mix.ts';
import { type SimulationResult, simulationResult } from './result.ts';
import type { ShardInput, ShardOutput } from './shard.ts';
import type { Store } from './stores.ts';
import { nextMonday } from './synthetic-leads.ts';
import { defaultWorkers, runShardsInWorkers } from './workers.ts';

/*
 * `followup simulate` (docs/architecture.md §6): synthetic leads through the real compiled definition on the local
 * runtime, with a virtual clock; replies and won deals delivered through the real signal handlers; the counts AWS
 * bills for, their cost, and the report computed from what the run stored. Everything random comes from the seed, so
 * a seed always gives the same result, however the leads are split over worker threads.
 */

export type { LeadHistory } from './lead-histories.ts';
export { type CostBreakdown, costOf, LAMBDA_ASSUMPTION, PRICES_USD, type Usage } from './pricing.ts';
export { parseReplyMix, REPLY_MIX_EXAMPLE, type ReplyMix } from './reply-mix.ts';
export type { KindReadings, ReplyReadingsSummary } from './reply-readings.ts';
export { REPLY_KINDS, type ReplyKind } from './reply-texts.ts';
export type { SimulationResult, SimulationRun } from './result.ts';
export { STORES, type Store } from './stores.ts';
export { nextMonday, SIM_EMAIL_DOMAIN, type SyntheticLead, syntheticLeads } from './synthetic-leads.ts';

/** The project this code came with: cadences/, templates/, followup.config.json. */
const ROOT = new URL('../..', import.meta.url).pathname;

export interface SimulateOptions {
  readonly cadenceId: string;
  /** `memory` (default): the handlers over in-memory ports in-process; `dynalite`: the whole local runtime. */
  readonly store?: Store;
  readonly leads: number;
  readonly seed?: number;
  /** Probability that a lead replies to a touch it was sent. Default 0.05. */
  readonly replyRate?: number;
  /** Probability that a reply becomes a won deal. Default 0.3. */
  readonly winRate?: number;
  /** Value of each won deal, USD. Default 1000. */
  readonly dealValue?: number;
  /**
   * The kinds of reply a replying lead writes, as shares adding up to 1 (`--reply-mix`): each reply is a generated
   * text of its kind, read by the real reader. Absent, every reply is one fixed interested text, as before.
   */
  readonly replyMix?: ReplyMix;
  /** `--variant-effect`: reply-rate points added to a step variant's touches, by variant id. */
  readonly variantEffect?: Readonly<Record<string, number>>;
  /** `--lift`: treated leads of a cadence with a holdout convert this many points more than held-out ones. */
  readonly lift?: number;
  /** The first enrollment instant; leads arrive over the following week. Default: the next Monday 09:00 UTC. */
  readonly start?: Date;
  /** Leads in flight at once, per engine. Default 16. */
  readonly concurrency?: number;
  /**
   * Engines the leads are split over, at most one per core by default (one for a small run): the first runs in
   * this thread, each other one on a worker thread of its own.
   */
  readonly workers?: number;
  /** Called each time a lead has finished: every one of its executions has ended. */
  readonly onProgress?: (progress: { readonly finished: number; readonly total: number }) => void;
  /** The project folder (cadences/, templates/, followup.config.json). */
  readonly root?: string;
  /** Also return what the run stored of each lead (`histories`), e.g. to recount the report from it. */
  readonly keepHistories?: boolean;
}

/**
 * Runs `options.leads` synthetic leads through the cadence on fresh engines (in memory, or the local runtime with `store: 'dynalite'`) and reports what
 * happened and what it would cost. The cadence's `then` runs once after it; a chain does not go on from there.
 * Large runs are split over worker threads; the result is the same however they are split. The command checks the
 * values a person typed (bin/commands/simulate-options.ts); an unknown cadence is a UserError here.
 */
export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  for (const [name, value] of [
    ['concurrency', options.concurrency],
    ['workers', options.workers],
  ] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1)) {
      throw new RangeError(`${name} must be a positive whole number (got ${value})`);
    }
  }
  if (options.replyMix) checkReplyMix(options.replyMix);
  const root = options.root ?? ROOT;
  const cadence = cadenceIn(root, options.cadenceId);
  checkFormStarts(root, cadence);
  const run = {
    cadence: cadence.id,
    then: cadence.then ?? null,
    seed: options.seed ?? 1,
    replyRate: options.replyRate ?? 0.05,
    winRate: options.winRate ?? 0.3,
    dealValue: options.dealValue ?? 1000,
    start: (options.start ?? nextMonday(new Date())).toISOString(),
    leads: options.leads,
    store: options.store ?? 'memory',
    ...(options.replyMix ? { replyMix: orderedMix(options.replyMix) } : {}),
  };
  const base = {
    root,
    store: run.store,
    cadenceId: cadence.id,
    leads: run.leads,
    seed: run.seed,
    replyRate: run.replyRate,
    winRate: run.winRate,
    dealValue: run.dealValue,
    start: run.start,
    concurrency: options.concurrency ?? 16,
    ...(run.replyMix ? { replyMix: run.replyMix } : {}),
    ...(options.variantEffect ? { variantEffect: options.variantEffect } : {}),
    ...(options.lift !== undefined ? { lift: options.lift } : {}),
  };
  const workers = Math.min(options.workers ?? defaultWorkers(options.leads, run.store), options.leads);
  const bounds = Array.from({ length: workers }, (_, i) => ({
    from: Math.floor((options.leads * i) / workers),
    to: Math.floor((options.leads * (i + 1)) / workers),
  }));
  const finished = bounds.map(() => 0);
  const progressOf = (i: number) => (n: number) => {
    finished[i] = n;
    options.onProgress?.({ finished: finished.reduce((a, b) => a + b, 0), total: options.leads });
  };
  const [first, ...others] = bounds.map((b): ShardInput => ({ ...base, ...b }));
  // The workers start first: each loads its modules while this thread loads its own, which it needs only now.
  const inWorkers = runShardsInWorkers(others, (i) => progressOf(i + 1));
  const stopHere = new AbortController();
  const here = first ? runHere(first, progressOf(0), stopHere.signal) : Promise.resolve(undefined);
  try {
    const [output, outputs] = await Promise.all([here, inWorkers.outputs]);
    return simulationResult(run, output ? [output, ...outputs] : outputs, options.keepHistories ?? false);
  } catch (error) {
    // One shard failed: the others stop rather than run on.
    stopHere.abort();
    await Promise.allSettled([here, inWorkers.stop()]);
    throw error;
  }
}

/** A shard in this thread; the engine's modules load on the first call. */
async function runHere(
  input: ShardInput,
  onFinished: (finished: number) => void,
  signal: AbortSignal,
): Promise<ShardOutput> {
  const { runShard } = await import('./shard.ts');
  return runShard(input, onFinished, signal);
}
