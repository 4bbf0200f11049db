import { type DateTime, Settings } from 'luxon';
import { html, type SafeHtml } from '../core/html.ts';
import type { Lead } from './lead.ts';

/* The "label: value" facts about a lead that every email to a person lists: a rep's task, a forwarded reply. */

/** A fact's label and value; a value that is absent or "" is left out. */
export type Detail = readonly [label: string, value: string | undefined];

const shown = (rows: readonly Detail[]) =>
  rows.filter((row): row is readonly [string, string] => row[1] !== undefined && row[1] !== '');

/** The facts as indented text lines. */
export const detailLines = (rows: readonly Detail[]): string[] =>
  shown(rows).map(([label, value]) => `  ${label}: ${value}`);

/** The facts as an HTML table, every label and value escaped. */
export const detailsTable = (rows: readonly Detail[]): SafeHtml =>
  html`<table>${shown(rows).map(([label, value]) => html`<tr><th align="left">${label}</th><td>${value}</td></tr>`)}</table>`;

/** Who the lead is and what they asked about: the first facts of every email about a lead to a person. */
export const leadContact = (
  lead: Pick<Lead, 'name' | 'email' | 'phone' | 'company' | 'interest'>,
): Detail[] => [
  ['Name', lead.name],
  ['Email', lead.email],
  ['Phone', lead.phone],
  ['Company', lead.company],
  ['Asked about', lead.interest],
];

const DUE_FORMAT = 'ccc d LLL yyyy, HH:mm';

/** When the task is due, e.g. "Tue 7 Jul 2026, 09:00 EDT": luxon's `ZZZZ`, its zone name, with a formatter kept. */
export function dueText(at: DateTime): string {
  if (!at.isValid || at.zone.type !== 'iana') return at.toFormat(`${DUE_FORMAT} ZZZZ`);
  return `${at.toFormat(DUE_FORMAT)} ${shortZoneName(at.toMillis(), at.zone.name)}`;
}

/** One formatter per zone: luxon's `ZZZZ` builds an Intl.DateTimeFormat on every call (a tenth of a simulated run). */
const zoneNameFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's short name at `ms`, as luxon's `ZZZZ` reads it: the same locale (toFormat's) and options. */
function shortZoneName(ms: number, zone: string): string | null {
  const locale = Settings.defaultLocale || 'en-US';
  const key = `${locale} ${zone}`;
  let format = zoneNameFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      timeZoneName: 'short',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: zone,
    });
    zoneNameFormats.set(key, format);
  }
  const part = format.formatToParts(ms).find((p) => p.type.toLowerCase() === 'timezonename');
  return part ? part.value : null;
}
