import { DateTime } from 'luxon';
import { Zoned } from '../../functions/core/zoned.ts';

/*
 * luxon is the oracle the Lambdas' date code is checked against (docs/architecture.md §9: the bundles carry no
 * luxon). These carry an instant across, in the same zone, so a luxon-built test can call the schedule's functions.
 */

/** The luxon DateTime as a Zoned: the same instant in the zone of the same name. */
export function zonedOf(dt: DateTime): Zoned {
  const zoned = Zoned.at(dt.toMillis(), dt.zone.name);
  if (!zoned) throw new Error(`${dt.toISO()} in ${dt.zone.name} is not a Zoned`);
  return zoned;
}

/** The Zoned as a luxon DateTime, in the zone of the same name ("UTC" being luxon's fixed UTC, as it is Zoned's). */
export const luxonOf = (zoned: Zoned): DateTime => DateTime.fromMillis(zoned.ms, { zone: zoned.zone.name });
