import { IANAZone, Info, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from 'luxon';

/* The zones schedules are computed in (functions/core/schedule.ts): luxon's, with their offsets remembered. */

/** Offsets remembered per zone at most: more than the whole hours of two years, what schedules reach. */
const MAX_REMEMBERED_OFFSETS = 20_000;
const HOUR_MS = 3_600_000;

/**
 * An IANA zone that remembers its offsets. luxon asks Intl for the offset of every DateTime it makes (a
 * formatToParts each time), at instants that differ lead by lead; the offsets at whole hours are remembered, and an
 * instant between two hours with the same offset has that offset too, because no zone's rules change twice within
 * an hour. An instant's offset never changes, so the schedule is the same.
 */
class RememberingZone extends Zone {
  private readonly offsets = new Map<number, number>();

  constructor(private readonly iana: IANAZone) {
    super();
  }
  override get type() {
    return 'iana';
  }
  override get name() {
    return this.iana.name;
  }
  override get isUniversal() {
    return false;
  }
  override get isValid() {
    return this.iana.isValid;
  }
  override offsetName(ts: number, options: ZoneOffsetOptions) {
    return this.iana.offsetName(ts, options);
  }
  override formatOffset(ts: number, format: ZoneOffsetFormat) {
    return this.iana.formatOffset(ts, format);
  }
  override offset(ts: number) {
    const hour = Math.floor(ts / HOUR_MS) * HOUR_MS;
    const before = this.exactOffset(hour);
    return before === this.exactOffset(hour + HOUR_MS) ? before : this.exactOffset(ts);
  }
  private exactOffset(ts: number) {
    let offset = this.offsets.get(ts);
    if (offset === undefined) {
      offset = this.iana.offset(ts);
      if (this.offsets.size >= MAX_REMEMBERED_OFFSETS) this.offsets.clear();
      this.offsets.set(ts, offset);
    }
    return offset;
  }
  override equals(other: Zone) {
    return other.type === 'iana' && other.name === this.name;
  }
}

const scheduleZones = new Map<string, Zone>();
const MAX_ZONES = 4096;

/** The zone luxon's setZone(zone) would use ("UTC" is its fixed zone, printed "Z"), remembering if it is IANA. */
export function scheduleZone(zone: string): Zone {
  let found = scheduleZones.get(zone);
  if (!found) {
    const normal = Info.normalizeZone(zone);
    found = normal instanceof IANAZone ? new RememberingZone(normal) : normal;
    // Spellings differ only in case, so this stays small; the bound is for a caller that makes up names.
    if (scheduleZones.size >= MAX_ZONES) scheduleZones.clear();
    scheduleZones.set(zone, found);
  }
  return found;
}
