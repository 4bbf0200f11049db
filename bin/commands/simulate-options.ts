import { DateTime } from 'luxon';
import { SPREAD_PATTERN } from '../../functions/core/cadence-schema.ts';
import { UsageError } from '../../functions/core/errors.ts';
import type { Quotas } from '../../local/quota-sim/quotas.ts';
import type { SimulatedEffects } from '../../local/simulate/answers.ts';
import {
  nextMonday,
  parseReplyMix,
  type SimulateOptions,
  STORES,
  type Store,
} from '../../local/simulate/index.ts';

/* What `followup simulate` takes from its flags: each wrong one is a UsageError, printed as one line. */

export interface SimulateCliOptions {
  readonly cadence: string;
  readonly leads: string;
  readonly seed?: string;
  readonly replyRate?: string;
  readonly winRate?: string;
  readonly dealValue?: string;
  readonly replyMix?: string;
  /** `--variant-effect b=+0.02,c=-0.01`: reply-rate points added to a step variant's touches. */
  readonly variantEffect?: string;
  /** `--lift 0.03`: treated leads of a cadence with a holdout convert this many points more than held-out ones. */
  readonly lift?: string;
  readonly start?: string;
  readonly store?: string;
  readonly json?: boolean;
  /** `--aws-quotas` and the quota values it runs against (local/quota-sim). */
  readonly awsQuotas?: boolean;
  readonly spread?: string;
  readonly sesRate?: string;
  readonly lambdaConcurrency?: string;
  readonly startBurst?: string;
  readonly startRate?: string;
  readonly transitionBurst?: string;
  readonly transitionRate?: string;
}

/** What `--aws-quotas` runs with: the leads, seed and day, the spread to compare, and any quota a flag overrides. */
export interface QuotaCliOptions {
  readonly cadenceId: string;
  readonly leads: number;
  readonly seed: number;
  readonly day: Date;
  readonly spread?: string;
  readonly quotas: Partial<Quotas>;
}

const QUOTA_FLAGS = [
  ['sesRate', '--ses-rate', '14'],
  ['lambdaConcurrency', '--lambda-concurrency', '1000'],
  ['startBurst', '--start-burst', '1300'],
  ['startRate', '--start-rate', '300'],
  ['transitionBurst', '--transition-burst', '5000'],
  ['transitionRate', '--transition-rate', '1500'],
] as const;

/** The `--aws-quotas` options, or a UsageError naming the flag that is wrong. */
export function parseQuotaOptions(options: SimulateCliOptions, now: Date = new Date()): QuotaCliOptions {
  const { leads, seed, start } = parseSimulateOptions(options, now);
  const quotas: Partial<Record<keyof Quotas, number>> = {};
  for (const [key, flag, example] of QUOTA_FLAGS) {
    const value = options[key];
    if (value === undefined) continue;
    const number = decimal(flag, value, example);
    if (
      !(number > 0) ||
      (key !== 'sesRate' && key !== 'startRate' && key !== 'transitionRate' && number < 1)
    ) {
      throw new UsageError(`${flag} must be a positive number, e.g. ${flag} ${example} (got "${value}")`);
    }
    quotas[key] = number;
  }
  if (options.spread !== undefined && !new RegExp(SPREAD_PATTERN).test(options.spread)) {
    throw new UsageError(`--spread must be a duration, e.g. --spread "90 minutes" (got "${options.spread}")`);
  }
  return {
    cadenceId: options.cadence,
    leads,
    seed: seed ?? 1,
    day: start ?? nextMonday(now),
    ...(options.spread === undefined ? {} : { spread: options.spread }),
    quotas,
  };
}

const wholeNumber = (flag: string, value: string, example: string): number => {
  if (!/^\s*\d+\s*$/.test(value)) {
    throw new UsageError(`${flag} must be a positive whole number, e.g. ${flag} ${example} (got "${value}")`);
  }
  return Number(value);
};

const decimal = (flag: string, value: string, example: string): number => {
  const number = value.trim() === '' ? Number.NaN : Number(value);
  if (Number.isFinite(number)) return number;
  throw new UsageError(`${flag} must be a number, e.g. ${flag} ${example} (got "${value}")`);
};

/** The typed options, or a UsageError saying which flag is wrong and what it takes. */
export function parseSimulateOptions(
  options: SimulateCliOptions,
  now: Date = new Date(),
): SimulateOptions & SimulatedEffects {
  let start = nextMonday(now);
  if (options.start !== undefined) {
    const parsed = DateTime.fromISO(options.start, { zone: 'utc' });
    if (!parsed.isValid) {
      throw new UsageError(
        `--start must be an ISO 8601 instant, e.g. --start 2026-07-06T09:00:00-05:00 (got "${options.start}")`,
      );
    }
    start = parsed.toJSDate();
  }
  const store = options.store ?? 'memory';
  if (!STORES.some((s) => s === store)) {
    throw new UsageError(
      `--store must be one of ${STORES.join(', ')}, e.g. --store dynalite (got "${store}")`,
    );
  }
  const parsed: SimulateOptions & SimulatedEffects = {
    cadenceId: options.cadence,
    store: store as Store,
    leads: wholeNumber('--leads', options.leads, '1000'),
    ...(options.seed === undefined ? {} : { seed: wholeNumber('--seed', options.seed, '42') }),
    ...(options.replyRate === undefined
      ? {}
      : { replyRate: decimal('--reply-rate', options.replyRate, '0.05') }),
    ...(options.winRate === undefined ? {} : { winRate: decimal('--win-rate', options.winRate, '0.3') }),
    ...(options.dealValue === undefined
      ? {}
      : { dealValue: decimal('--deal-value', options.dealValue, '1000') }),
    ...(options.replyMix === undefined ? {} : { replyMix: parseReplyMix(options.replyMix) }),
    ...(options.variantEffect === undefined
      ? {}
      : { variantEffect: parseVariantEffect(options.variantEffect) }),
    ...(options.lift === undefined ? {} : { lift: parseLift(options.lift) }),
    start,
  };
  checkSimulateOptions(parsed);
  return parsed;
}

/**
 * Checks the values of the flags a person typed; throws a UsageError with one line saying what to pass instead. An
 * unknown cadence is refused by `simulate` itself, which looks it up in the project.
 */
export function checkSimulateOptions(options: SimulateOptions): void {
  const { leads, seed, replyRate, winRate, dealValue, start } = options;
  if (!Number.isSafeInteger(leads) || leads < 1) {
    throw new UsageError(`--leads must be a positive whole number, e.g. --leads 1000 (got ${leads})`);
  }
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
    throw new UsageError(`--seed must be a whole number from 0 to 4294967295 (got ${seed})`);
  }
  for (const [flag, value, example] of [
    ['--reply-rate', replyRate, 0.05],
    ['--win-rate', winRate, 0.3],
  ] as const) {
    if (value !== undefined && !(value >= 0 && value <= 1)) {
      throw new UsageError(
        `${flag} must be a probability from 0 to 1, e.g. ${flag} ${example} (got ${value})`,
      );
    }
  }
  if (dealValue !== undefined && !(dealValue >= 0 && Number.isFinite(dealValue))) {
    throw new UsageError(
      `--deal-value must be a non-negative amount in USD, e.g. --deal-value 1000 (got ${dealValue})`,
    );
  }
  if (start !== undefined && Number.isNaN(start.getTime())) {
    throw new UsageError('--start must be an ISO 8601 instant, e.g. --start 2026-07-06T09:00:00Z');
  }
}

const EFFECT = /^([a-z0-9]+(?:-[a-z0-9]+)*)=([+-]?(?:\d+\.?\d*|\.\d+))$/;

/** `b=+0.02,c=-0.01` → { b: 0.02, c: -0.01 }: reply-rate points per variant id, each within ±1. */
export function parseVariantEffect(text: string): Record<string, number> {
  const effects: Record<string, number> = {};
  for (const part of text.split(',')) {
    const match = EFFECT.exec(part.trim());
    const value = match ? Number(match[2]) : Number.NaN;
    if (!match || !(Math.abs(value) < 1)) {
      throw new UsageError(
        `--variant-effect takes variant=points pairs, points between -1 and 1, e.g. --variant-effect b=+0.02 (got "${part.trim()}")`,
      );
    }
    effects[match[1] as string] = value;
  }
  return effects;
}

/** `0.03` → 0.03: conversion-rate points, within ±1. */
export function parseLift(text: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!(Math.abs(value) < 1)) {
    throw new UsageError(
      `--lift must be conversion-rate points between -1 and 1, e.g. --lift 0.03 (got "${text}")`,
    );
  }
  return value;
}
