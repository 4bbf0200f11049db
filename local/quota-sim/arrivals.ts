import { DateTime } from 'luxon';
import { mulberry32 } from '../simulate/random.ts';

/*
 * The leads of a quota simulation, from its seed: a day of web signups in each lead's own zone, busiest in office hours
 * with an evening bump, in seven zones of the US and Europe. Each lead also draws its place in a cadence's `spread`,
 * which production takes from a hash of the lead id: uniform over the span, as a hash is.
 */

/** Zones and their share of the leads. */
export const ZONES: readonly { readonly zone: string; readonly share: number }[] = [
  { zone: 'America/New_York', share: 0.3 },
  { zone: 'America/Chicago', share: 0.2 },
  { zone: 'America/Denver', share: 0.08 },
  { zone: 'America/Los_Angeles', share: 0.2 },
  { zone: 'Europe/London', share: 0.1 },
  { zone: 'Europe/Berlin', share: 0.07 },
  { zone: 'Europe/Paris', share: 0.05 },
];

/** Relative signups in each local hour 00–23. */
export const SIGNUP_CURVE: readonly number[] = [
  1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 4, 6, 7, 7, 6.5, 6.5, 6, 5.5, 5, 4.5, 4.5, 5, 5, 4.5, 3, 2,
];

export interface Arrivals {
  /** Index into ZONES, per lead. */
  readonly zone: Uint8Array;
  /** Seconds after the zone's local midnight on the day, per lead. */
  readonly second: Uint32Array;
  /** The lead's place in a spread, uniform in [0, 1), per lead. */
  readonly spread: Float64Array;
  /** Epoch ms of each zone's local midnight on the day. */
  readonly midnight: readonly number[];
}

const cumulative = (weights: readonly number[]) => {
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  return weights.map((w) => (sum += w / total));
};

const draw = (cdf: readonly number[], u: number) => {
  const i = cdf.findIndex((c) => u < c);
  return i < 0 ? cdf.length - 1 : i;
};

/** `count` signups on the calendar day of `day` (read in each zone), from `seed`. */
export function arrivals(count: number, seed: number, day: Date): Arrivals {
  const random = mulberry32(seed);
  const zoneCdf = cumulative(ZONES.map((z) => z.share));
  const hourCdf = cumulative(SIGNUP_CURVE);
  const date = DateTime.fromJSDate(day, { zone: 'utc' }).toISODate() ?? '';
  const midnight = ZONES.map(({ zone }) => DateTime.fromISO(date, { zone }).toMillis());
  const result = {
    zone: new Uint8Array(count),
    second: new Uint32Array(count),
    spread: new Float64Array(count),
    midnight,
  };
  for (let i = 0; i < count; i++) {
    result.zone[i] = draw(zoneCdf, random());
    result.second[i] = draw(hourCdf, random()) * 3600 + Math.floor(random() * 3600);
    result.spread[i] = random();
  }
  return result;
}
