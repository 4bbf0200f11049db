import { basename } from 'node:path';
import { table } from '../output.ts';
import type { ImportProgress, ImportSummary } from './run.ts';

/*
 * What `followup leads import` prints: its progress on stderr while it runs (a bar on a terminal, a line every 5 s
 * in a log) and, at the end, its summary for a person.
 */

/** Where the progress goes: a terminal redraws a bar, anything else gets plain lines. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const count = (n: number) => n.toLocaleString('en-US');

/** "12s", "3m 05s", "1h 02m". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function progressText(p: ImportProgress): string {
  const speed = p.rowsPerSecond > 0 ? `${p.rowsPerSecond.toFixed(1)} rows/s` : 'starting';
  const eta = p.etaSeconds !== undefined && p.done < p.total ? ` · ETA ${duration(p.etaSeconds)}` : '';
  const pace = Number.isFinite(p.allowedRate) ? `, now ${p.allowedRate.toFixed(1)}/s` : '';
  const throttled = p.retries > 0 ? ` · ${count(p.retries)} throttled${pace}` : '';
  const rejected = p.counts.rejected > 0 ? ` · ${count(p.counts.rejected)} rejected` : '';
  return `${count(p.done)}/${count(p.total)} rows · ${speed}${eta}${rejected}${throttled}`;
}

/** A bar redrawn at most ten times a second on a terminal; a plain line every 5 s anywhere else (logs, CI). */
export function progressReporter(stderr: ProgressStream, label: string) {
  const width = 24;
  let drawnAt = 0;
  let drawn = false;
  return {
    update(p: ImportProgress) {
      const now = Date.now();
      const finished = p.done >= p.total;
      if (stderr.isTTY) {
        if (now - drawnAt < 100 && !finished) return;
        drawnAt = now;
        drawn = true;
        const filled = p.total > 0 ? Math.round((p.done / p.total) * width) : width;
        stderr.write(
          `\r\x1b[2K${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progressText(p)}`,
        );
        return;
      }
      if (now - drawnAt < 5_000) return;
      // The first call starts the clock: a line every 5 s from then on.
      if (drawnAt > 0) stderr.write(`${label}: ${progressText(p)}\n`);
      drawnAt = now;
    },
    clear() {
      if (drawn) stderr.write('\r\x1b[2K');
    },
  };
}

export function formatSummary(s: ImportSummary): string {
  const notEnrolled = Object.entries(s.notEnrolled.byReason)
    .map(([reason, n]) => `${reason} ${count(n)}`)
    .join(', ');
  const lines = [
    `${s.interrupted ? 'Interrupted: ' : ''}${s.file} into "${s.cadence}" (${s.target})`,
    '',
    table([
      ['Rows', count(s.rows), s.resumed > 0 ? `${count(s.resumed)} done by the earlier run` : ''],
      ['Imported', count(s.imported), 'new enrollments'],
      ['Already enrolled', count(s.alreadyEnrolled), 'in this cadence before (or twice in the file)'],
      ...(s.notEnrolled.total > 0 ? [['Not enrolled', count(s.notEnrolled.total), notEnrolled]] : []),
      ['Rejected', count(s.rejected), s.rejectedFile ? `see ${basename(s.rejectedFile)}` : ''],
      [
        'Time',
        duration(s.seconds),
        `${s.rowsPerSecond.toFixed(1)} rows/s${s.retries > 0 ? ` · ${count(s.retries)} throttled answers retried` : ''}`,
      ],
    ]),
  ];
  if (s.unknownColumns.length > 0) {
    lines.push('', `Columns not imported: ${s.unknownColumns.map((c) => `"${c}"`).join(', ')}`);
  }
  if (s.rejectedRows.length > 0) {
    const shown = s.rejectedRows.slice(0, 20);
    lines.push('', 'Rejected rows', ...shown.map((r) => `  line ${r.line}: ${r.reason}`));
    if (s.rejectedRows.length > shown.length) {
      lines.push(
        `  … and ${count(s.rejectedRows.length - shown.length)} more in ${basename(s.rejectedFile ?? '')}`,
      );
    }
  }
  if (s.interrupted) {
    lines.push(
      '',
      `${count(s.rows - doneRows(s))} rows to go: run the same command with --resume to continue.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const doneRows = (s: ImportSummary) => s.imported + s.alreadyEnrolled + s.notEnrolled.total + s.rejected;
