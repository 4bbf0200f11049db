import { DateTime } from 'luxon';
import { html, type SafeHtml } from '../functions/core/html.ts';

/*
 * Times as a person reads them ("Mon 21 Dec, 09:00 CST"), in the lead's zone where it is known and UTC otherwise,
 * always labelled with the zone so rows from different zones do not mislead.
 */

function instant(iso: string, zone?: string): DateTime {
  const utc = DateTime.fromISO(iso, { zone: 'utc', setZone: false }).setLocale('en-US');
  if (!zone) return utc;
  const local = utc.setZone(zone);
  return local.isValid ? local : utc;
}

/** "Mon 21 Dec, 09:00 CST", with the year when it is not the year of `now`. */
export function formatWhen(iso: string, zone: string | undefined, now: string): string {
  const t = instant(iso, zone);
  if (!t.isValid) return iso;
  const sameYear = t.year === instant(now, zone).year;
  return t.toFormat(sameYear ? 'ccc d LLL, HH:mm ZZZZ' : 'ccc d LLL yyyy, HH:mm ZZZZ');
}

/** A `<time>` element: readable text, the exact instant in `datetime` and, on hover, the zone's name. */
export function when(iso: string, zone: string | undefined, now: string): SafeHtml {
  const t = instant(iso, zone);
  const title = t.isValid ? `${t.toFormat('yyyy-LL-dd HH:mm')} ${t.zoneName ?? 'UTC'}` : iso;
  return html`<time datetime="${iso}" title="${title}">${formatWhen(iso, zone, now)}</time>`;
}

/** "3 days ago", "in 2 hours", "just now". */
export function relative(iso: string, now: string): string {
  const t = DateTime.fromISO(iso, { zone: 'utc' });
  const base = DateTime.fromISO(now, { zone: 'utc' });
  if (!t.isValid || !base.isValid) return iso;
  if (Math.abs(t.diff(base).as('seconds')) < 60) return 'just now';
  return t.toRelative({ base, locale: 'en-US', rounding: 'round' }) ?? iso;
}

/** Whether `iso` is at or before `now`. */
export function isPast(iso: string, now: string): boolean {
  return Date.parse(iso) <= Date.parse(now);
}

/** Orders ISO instants by time (their offsets may differ, so not as strings); unparseable ones go last. */
export function byTime(a: string, b: string): number {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return (Number.isNaN(ta) ? Infinity : ta) - (Number.isNaN(tb) ? Infinity : tb) || 0;
}

export function formatNumber(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** "12%", or "—" when there is nothing to divide by. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)}%` : '—';
}
