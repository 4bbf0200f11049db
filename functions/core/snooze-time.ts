import { fromISO, UTC_ZONE, Zoned } from './zoned.ts';

// When a snooze ends, apart from the date reader, so what only places a snooze (a rep's outcome) does not bundle
// chrono-node (docs/architecture.md §9).

/** The hour a snooze ends on its date, in the lead's zone: the start of a working day. */
export const RETURN_HOUR = 9;
/** A Standard execution lives a year, and re-engage needs its weeks after the snooze (docs/architecture.md §4.3). */
export const MAX_UNTIL_DAYS = 330;

/** The instant a date snoozes until: RETURN_HOUR on that day in `zone`, as UTC. */
export function returnInstant(date: string, zone: string): string | undefined {
  const at = fromISO(date, zone)?.set({ hour: RETURN_HOUR });
  return at && Zoned.at(at.ms, UTC_ZONE)?.toISO({ suppressMilliseconds: true });
}

/** `until`, or the latest instant a snooze may reach when `until` lies beyond it. */
export function capUntil(until: string, from: Date): string {
  const limit = from.getTime() + MAX_UNTIL_DAYS * 86_400_000;
  return Date.parse(until) > limit ? new Date(limit).toISOString().replace('.000Z', 'Z') : until;
}
