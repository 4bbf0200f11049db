import type { Cadence } from '../../functions/core/cadence-schema.ts';
import type { Retrier } from '../../functions/core/compile.ts';
import { compileCadence } from '../../functions/core/compile.ts';
import { streamFor } from '../simulate/random.ts';
import { arrivals, ZONES } from './arrivals.ts';
import { runWorld, type World, type WorldFigures } from './engine.ts';
import { DEFAULT_DURATIONS, DEFAULT_QUOTAS, type Durations, type Quotas } from './quotas.ts';
import { touchRetriers } from './retry.ts';
import { leadSchedules } from './schedules.ts';

/*
 * `followup simulate --aws-quotas`: the chosen cadence's touches for a day of signups, at the instants the real
 * schedule gives, through the AWS quotas and the compiled Retry, in four runs: without and with the sending governor,
 * each without and with a `spread`. Pure and deterministic from the seed: no SDK, no runtime.
 */

export { DEFAULT_QUOTAS, QUOTA_SOURCES, type Quotas } from './quotas.ts';

export const DEFAULT_SPREAD = '90 minutes';

export interface QuotaSimulationOptions {
  readonly cadence: Cadence;
  readonly leads: number;
  readonly seed: number;
  /** The day the leads sign up (its calendar date, read in each lead's zone). */
  readonly day: Date;
  /** The spread of the comparison; the cadence's own when it has one. */
  readonly spread?: string;
  readonly quotas?: Partial<Quotas>;
  readonly durations?: Durations;
  /** Called after each of the runs, e.g. for a progress line. */
  readonly onProgress?: (done: {
    readonly runs: number;
    readonly of: number;
    readonly label: string;
  }) => void;
}

export interface QuotaRun extends WorldFigures {
  readonly world: World;
  /** The cadence's spread in this run; null: none. */
  readonly spread: string | null;
}

export interface QuotaSimulationResult {
  readonly cadence: string;
  readonly leads: number;
  readonly seed: number;
  readonly day: string;
  readonly zones: readonly string[];
  readonly quotas: Quotas;
  readonly durations: Durations;
  /** The touch Task's Retry, read from the compiled definition. */
  readonly retry: readonly Retrier[];
  readonly touchesPerLead: number;
  readonly runs: readonly QuotaRun[];
  /** computeSchedule calls made for every lead's schedule, in both spreads. */
  readonly scheduleCalls: number;
}

const TARGETS = { touchFunction: 'touch', completeFunction: 'complete' };
const WORLDS: readonly World[] = ['without governor', 'with governor'];

export function simulateQuotas(options: QuotaSimulationOptions): QuotaSimulationResult {
  const { cadence, leads, seed, day } = options;
  const quotas = { ...DEFAULT_QUOTAS, ...options.quotas };
  const durations = options.durations ?? DEFAULT_DURATIONS;
  const { spread: _own, ...plain } = cadence;
  const spread = cadence.spread ?? options.spread ?? DEFAULT_SPREAD;
  const variants: readonly { readonly spread: string | null; readonly cadence: Cadence }[] = [
    { spread: null, cadence: plain },
    { spread, cadence: { ...plain, spread } },
  ];
  const retry = touchRetriers(compileCadence(cadence, TARGETS));
  const signups = arrivals(leads, seed, day);
  const arrivedAt = Float64Array.from(
    signups.second,
    (second, i) => (signups.midnight[signups.zone[i] as number] as number) + second * 1000,
  );
  const channels = cadence.steps.map((s) => s.channel);
  const runs: QuotaRun[] = [];
  let scheduleCalls = 0;
  const of = variants.length * WORLDS.length;
  for (const variant of variants) {
    const schedules = leadSchedules(variant.cadence, signups);
    scheduleCalls += schedules.exactCalls;
    for (const world of WORLDS) {
      const figures = runWorld({
        world,
        arrivals: arrivedAt,
        schedule: schedules.at,
        channels,
        retriers: retry,
        quotas,
        durations,
        random: streamFor(seed, `${world}:${variant.spread ?? 'none'}`),
      });
      runs.push({ world, spread: variant.spread, ...figures });
      options.onProgress?.({
        runs: runs.length,
        of,
        label: `${world}, ${variant.spread ? `spread ${variant.spread}` : 'no spread'}`,
      });
    }
  }
  return {
    cadence: cadence.id,
    leads,
    seed,
    day: day.toISOString().slice(0, 10),
    zones: ZONES.map((z) => `${z.zone} ${Math.round(z.share * 100)}%`),
    quotas,
    durations,
    retry,
    touchesPerLead: channels.length,
    runs,
    scheduleCalls,
  };
}
