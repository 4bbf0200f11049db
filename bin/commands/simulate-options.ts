import { DateTime } from 'luxon';
import { UsageError } from '../../functions/core/errors.ts';
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
  readonly start?: string;
  readonly store?: string;
  readonly json?: boolean;
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
export function parseSimulateOptions(options: SimulateCliOptions, now: Date = new Date()): SimulateOptions {
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
  const parsed: SimulateOptions = {
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
