import { html, type SafeHtml } from '../core/html.ts';
import { INVALID_TEXT, type Zoned } from '../core/zoned.ts';
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

/** When the task is due, e.g. "Tue 7 Jul 2026, 09:00 EDT", in the lead's zone; luxon's text for a time it could not read. */
export function dueText(at: Zoned | undefined): string {
  if (!at) return INVALID_TEXT;
  return `${at.weekdayShort()} ${at.dayMonthYear()}, ${at.hourMinute()} ${at.zoneAbbreviation()}`;
}
