import { type TimeZone, zoneNamed } from './zoned.ts';

/* The zones schedules are computed in (functions/core/schedule.ts), with their offsets remembered. */

/** Offsets remembered per zone at most: more than the whole hours of two years, what schedules reach. */
const MAX_REMEMBERED_OFFSETS = 20_000;
const HOUR_MS = 3_600_000;

/**
 * An IANA zone that remembers its offsets. A schedule asks for the offset of every instant it makes (an Intl
 * format each time), at instants that differ lead by lead; the offsets at whole hours are remembered, and an instant
 * between two hours with the same offset has that offset too, because no zone's rules change twice within an hour.
 * An instant's offset never changes, so the schedule is the same.
 */
function remembering(zone: TimeZone): TimeZone {
  const offsets = new Map<number, number>();
  const exactOffset = (ts: number) => {
    let offset = offsets.get(ts);
    if (offset === undefined) {
      offset = zone.offset(ts);
      if (offsets.size >= MAX_REMEMBERED_OFFSETS) offsets.clear();
      offsets.set(ts, offset);
    }
    return offset;
  };
  return {
    name: zone.name,
    universal: zone.universal,
    offset(ts) {
      const hour = Math.floor(ts / HOUR_MS) * HOUR_MS;
      const before = exactOffset(hour);
      return before === exactOffset(hour + HOUR_MS) ? before : exactOffset(ts);
    },
  };
}

const scheduleZones = new Map<string, TimeZone>();
const MAX_ZONES = 4096;

/** The zone a schedule in `zone` uses ("UTC" is fixed UTC, printed "Z"); undefined for a name Intl does not know. */
export function scheduleZone(zone: string): TimeZone | undefined {
  let found = scheduleZones.get(zone);
  if (!found) {
    const named = zoneNamed(zone);
    if (!named) return undefined;
    found = named.universal ? named : remembering(named);
    // Spellings differ only in case, so this stays small; the bound is for a caller that makes up names.
    if (scheduleZones.size >= MAX_ZONES) scheduleZones.clear();
    scheduleZones.set(zone, found);
  }
  return found;
}
