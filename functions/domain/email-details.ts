import { html, type SafeHtml } from '../core/html.ts';

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
