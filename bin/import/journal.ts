import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../../functions/core/errors.ts';
import { type CsvColumn, csvTable } from '../csv.ts';

/*
 * What an import keeps next to its file: the journal (FILE.followup-import.json) that lets a re-run with --resume skip
 * what is done, and FILE.rejected.csv, the rejected rows to fix and import again. Both are written whole and renamed,
 * so a crash never leaves half a file.
 */

export interface ImportCounts {
  imported: number;
  alreadyEnrolled: number;
  rejected: number;
  notEnrolled: Record<string, number>;
}

export interface RejectedRow {
  readonly line: number;
  readonly reason: string;
}

/** A rejected row as the journal keeps it: with its values, for the rejected file. */
export interface RejectedValues extends RejectedRow {
  readonly values: string[];
}

export interface Journal {
  readonly version: 1;
  readonly file: string;
  readonly fingerprint: string;
  readonly cadence: string;
  readonly startedAt: string;
  /** Every row that starts on this line or before is done. */
  readonly committedLine: number;
  /** Rows after committedLine that are done. */
  readonly done: number[];
  /** Rows sent at least once but not finished: their lead may be enrolled already by that try. */
  readonly attempted: number[];
  readonly counts: ImportCounts;
  readonly rejected: RejectedValues[];
}

export const checkpointPath = (file: string) => `${file}.followup-import.json`;

/** leads.csv → leads.rejected.csv. */
export const rejectedPath = (file: string) =>
  /\.csv$/i.test(file) ? file.replace(/\.csv$/i, '.rejected.csv') : `${file}.rejected.csv`;

export const emptyCounts = (): ImportCounts => ({
  imported: 0,
  alreadyEnrolled: 0,
  rejected: 0,
  notEnrolled: {},
});

/** Rows the counts say are done, whatever their outcome. */
export const doneOf = (c: ImportCounts) =>
  c.imported + c.alreadyEnrolled + c.rejected + Object.values(c.notEnrolled).reduce((a, b) => a + b, 0);

/** The file's size and its first 64 KB: a resume refuses a file that changed (its line numbers would lie). */
export function fingerprintOf(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(65_536);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const hash = createHash('sha256').update(buffer.subarray(0, read)).digest('hex').slice(0, 32);
    return `${statSync(file).size}:${hash}`;
  } finally {
    closeSync(fd);
  }
}

function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

export function saveJournal(file: string, journal: Journal): void {
  writeAtomically(file, JSON.stringify(journal));
}

export function loadJournal(file: string): Journal | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Journal;
    if (value.version !== 1 || !Array.isArray(value.done)) throw new Error('unknown version');
    return value;
  } catch {
    throw new UsageError(
      `${basename(file)} is not a checkpoint this version can read; delete it to start the import over (rows already enrolled are not enrolled twice)`,
    );
  }
}

const REJECTED_COLUMNS: readonly CsvColumn<RejectedValues>[] = [
  { name: 'line', cell: (r) => r.line },
  { name: 'reason', cell: (r) => r.reason },
];

/** FILE.rejected.csv: line, reason, then the row as it was (under the file's own header), in line order. */
export function writeRejected(
  file: string,
  header: readonly string[],
  rows: readonly RejectedValues[],
): void {
  const sorted = [...rows].sort((a, b) => a.line - b.line);
  writeAtomically(
    file,
    csvTable(REJECTED_COLUMNS, sorted, { lineEnd: '\r\n', rest: { header, cells: (r) => r.values } }),
  );
}
