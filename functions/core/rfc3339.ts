/* RFC 3339 instants read without a date library: the schedule converts one for every touch it places. */

/** "2026-12-21T09:00:00-06:00" or "…T15:00:00.123Z": the spellings schedules and Date#toISOString give. */
const RFC_3339 = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{3}))?(?:Z|([+-])(\d\d):(\d\d))$/;

/** `at` as UTC milliseconds when it is an RFC 3339 instant with valid fields; undefined for luxon to read. */
export function rfc3339Millis(at: string): number | undefined {
  const m = RFC_3339.exec(at);
  if (!m) return undefined;
  const n = (i: number) => Number(m[i] ?? 0);
  const [year, month, day] = [n(1), n(2), n(3)];
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const valid =
    year >= 1000 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= lastDay &&
    n(4) <= 23 &&
    n(5) <= 59 &&
    n(6) <= 59 &&
    n(9) <= 23 &&
    n(10) <= 59;
  if (!valid) return undefined;
  const offsetMinutes = (m[8] === '-' ? -1 : 1) * (n(9) * 60 + n(10));
  return Date.UTC(year, month - 1, day, n(4), n(5), n(6), n(7)) - offsetMinutes * 60_000;
}
