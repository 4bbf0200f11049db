import { createReadStream, existsSync, rmSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TransientError, UsageError } from '../../functions/core/errors.ts';
import {
  blankRow,
  type ColumnMap,
  mapHeader,
  type RowOutcome,
  rowFields,
} from '../../functions/domain/import.ts';
import { type CsvRecord, csvRecords } from '../csv.ts';
import {
  checkpointPath,
  doneOf,
  emptyCounts,
  fingerprintOf,
  type ImportCounts,
  loadJournal,
  type RejectedRow,
  rejectedPath,
  saveJournal,
  writeRejected,
} from './journal.ts';
import { AdaptiveRate } from './rate.ts';
import type { ImportTarget } from './row-targets.ts';

/*
 * `followup leads import`'s run: a CSV file, streamed, row by row into a target (the local runtime in this process, a
 * running one over HTTP, or the deployed stack), at a steady rate that halves when the target throttles and climbs
 * back when it stops. The journal next to the file records what is done, so Ctrl-C loses nothing and a resume skips
 * finished rows quickly; enrollment is idempotent, so a row done twice is still one lead, one enrollment, one
 * execution. Rejected rows are reported with their line numbers and reasons, and written to FILE.rejected.csv.
 */

export interface ImportOptions {
  readonly file: string;
  readonly cadenceId: string;
  readonly target: ImportTarget;
  /**
   * Rows a second at most, adapting to throttling (AWS, a running engine's API). Undefined: no pace but `concurrency`
   * rows in flight, for the local runtime in this process, whose limit is what it takes.
   */
  readonly rate?: number;
  /** Continue an interrupted import of this file from its checkpoint. */
  readonly resume?: boolean;
  /** Stops the import between rows; what is done is kept in the checkpoint. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Rows in flight at once (default: enough to keep up with the rate, 2–32; UNPACED_CONCURRENCY without one). */
  readonly concurrency?: number;
  readonly checkpointEveryMs?: number;
  /** How long one row may keep meeting throttling before the import stops (resumable). Default 5 minutes. */
  readonly giveUpAfterMs?: number;
  /** Backoff of a throttled row: full jitter between 0 and min(maxMs, baseMs × 2^attempt). */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
}

export interface ImportProgress {
  readonly total: number;
  readonly done: number;
  readonly counts: Readonly<ImportCounts>;
  /** Rows a second over the last few seconds. */
  readonly rowsPerSecond: number;
  readonly etaSeconds?: number;
  /** The rate the limiter allows now (below the asked rate while the target throttles); Infinity when unpaced. */
  readonly allowedRate: number;
  readonly retries: number;
}

export interface ImportSummary {
  readonly file: string;
  readonly cadence: string;
  readonly target: string;
  /** Data rows in the file (blank lines aside). */
  readonly rows: number;
  readonly imported: number;
  readonly alreadyEnrolled: number;
  readonly notEnrolled: { readonly total: number; readonly byReason: Readonly<Record<string, number>> };
  readonly rejected: number;
  readonly rejectedRows: readonly RejectedRow[];
  readonly rejectedFile?: string;
  readonly unknownColumns: readonly string[];
  /** Rows done by an earlier, interrupted run and skipped by this one. */
  readonly resumed: number;
  /** Throttled or busy answers that were retried. */
  readonly retries: number;
  readonly seconds: number;
  /** Rows this run handled, a second. */
  readonly rowsPerSecond: number;
  readonly interrupted: boolean;
  /** Where the progress is kept while the import is unfinished. */
  readonly checkpointFile?: string;
}

/** Rows in flight without a rate: the local engine shares this process, so more only queue inside it. */
const UNPACED_CONCURRENCY = 32;

const records = (file: string) => csvRecords(createReadStream(file, { encoding: 'utf8' }));

/** The header and the number of data rows, in one quick pass (for the progress bar's total). */
async function scan(file: string): Promise<{ header: CsvRecord | undefined; rows: number }> {
  let header: CsvRecord | undefined;
  let rows = 0;
  for await (const record of records(file)) {
    if (!header) header = record;
    else if (!blankRow(record.values)) rows++;
  }
  return { header, rows };
}

const isTransient = (error: unknown) =>
  error instanceof TransientError || (error as Error | undefined)?.name === 'TransientError';
const isAbort = (error: unknown) => (error as Error | undefined)?.name === 'AbortError';

/** Imports every row of `options.file`; resolves with what it did, also when interrupted by `options.signal`. */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const file = resolve(options.file);
  if (!existsSync(file)) throw new UsageError(`no file ${options.file}`);
  const checkpointFile = checkpointPath(file);
  const rejectedFile = rejectedPath(file);
  const fingerprint = fingerprintOf(file);

  const { header, rows: total } = await scan(file);
  if (!header)
    throw new UsageError(`${options.file} is empty; the first line must be a header with an "email" column`);
  if (header.error) throw new UsageError(`${options.file} line ${header.line}: ${header.error}`);
  let map: ColumnMap;
  try {
    map = mapHeader(header.values);
  } catch (error) {
    throw new UsageError(`${options.file}: ${(error as Error).message}`);
  }
  const fields: readonly (string | undefined)[] = map.fields;
  const columnOf = (field: string) => {
    const i = fields.indexOf(field);
    return i >= 0 ? map.header[i] : undefined;
  };

  const saved = loadJournal(checkpointFile);
  if (saved && !options.resume) {
    throw new UsageError(
      `${options.file} has an unfinished import (${doneOf(saved.counts).toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows done): add --resume to continue it, or delete ${basename(checkpointFile)} to start over`,
    );
  }
  if (saved && saved.fingerprint !== fingerprint) {
    throw new UsageError(
      `${options.file} changed since the interrupted import, so its line numbers no longer match: delete ${basename(checkpointFile)} to start over (rows already enrolled are not enrolled twice)`,
    );
  }
  if (saved && saved.cadence !== options.cadenceId) {
    throw new UsageError(
      `the interrupted import of ${options.file} was into "${saved.cadence}": resume with --cadence ${saved.cadence}, or delete ${basename(checkpointFile)} to start over`,
    );
  }
  if (!saved && existsSync(rejectedFile)) rmSync(rejectedFile);

  const counts: ImportCounts = saved ? structuredClone(saved.counts) : emptyCounts();
  const rejected = saved ? [...saved.rejected] : [];
  const committedBefore = saved?.committedLine ?? 0;
  const doneBefore = new Set(saved?.done ?? []);
  const attempted = new Set(saved?.attempted ?? []);
  const startedAt = saved?.startedAt ?? new Date().toISOString();
  const resumed = doneOf(counts);

  const limiter = options.rate === undefined ? undefined : new AdaptiveRate(options.rate);
  const concurrency =
    options.concurrency ??
    (options.rate === undefined
      ? UNPACED_CONCURRENCY
      : Math.min(32, Math.max(2, Math.ceil(options.rate / 4))));
  const backoff = options.backoff ?? { baseMs: 250, maxMs: 8_000 };
  const giveUpAfterMs = options.giveUpAfterMs ?? 5 * 60_000;
  const signal = options.signal;

  /** Lines pulled from the file and not finished; the committed line is just before the earliest of them. */
  const inFlight = new Set<number>();
  const doneAfter = new Set<number>();
  let lastPulled = committedBefore;
  let retries = 0;
  let handled = 0;
  let fatal: unknown;
  let rejectedSaved = rejected.length;

  const committedLine = () => (inFlight.size > 0 ? Math.min(...inFlight) - 1 : lastPulled);
  const saveCheckpoint = () => {
    const committed = committedLine();
    // Lines at or before the committed one are kept by it: the sets stay as small as the rows in flight.
    for (const line of doneAfter) if (line <= committed) doneAfter.delete(line);
    for (const line of doneBefore) if (line <= committed) doneBefore.delete(line);
    saveJournal(checkpointFile, {
      version: 1,
      file: basename(file),
      fingerprint,
      cadence: options.cadenceId,
      startedAt,
      committedLine: committed,
      done: [...doneBefore, ...doneAfter].filter((line) => line > committed).sort((a, b) => a - b),
      attempted: [...attempted].filter((line) => inFlight.has(line) || line > lastPulled),
      counts,
      rejected,
    });
    if (rejected.length !== rejectedSaved) saveRejected();
  };
  const saveRejected = () => {
    rejectedSaved = rejected.length;
    if (rejected.length > 0) writeRejected(rejectedFile, map.header, rejected);
  };

  const runStart = performance.now();
  const samples: { at: number; done: number }[] = [{ at: runStart, done: doneOf(counts) }];
  const progress = (): ImportProgress => {
    const now = performance.now();
    const done = doneOf(counts);
    const last = samples.at(-1) as { at: number; done: number };
    if (now - last.at >= 500) {
      samples.push({ at: now, done });
      if (samples.length > 20) samples.shift();
    }
    const first = samples[0] as { at: number; done: number };
    const seconds = (now - first.at) / 1000;
    const rowsPerSecond = seconds > 0.2 ? (done - first.done) / seconds : 0;
    return {
      total,
      done,
      counts,
      rowsPerSecond,
      ...(rowsPerSecond > 0 ? { etaSeconds: (total - done) / rowsPerSecond } : {}),
      allowedRate: limiter?.rate ?? Number.POSITIVE_INFINITY,
      retries,
    };
  };
  const tick = setInterval(() => {
    try {
      saveCheckpoint();
    } catch {
      // The next tick or the end saves it; a full disk is reported there.
    }
    options.onProgress?.(progress());
  }, options.checkpointEveryMs ?? 1_000);

  const rows = records(file)[Symbol.asyncIterator]();
  await rows.next(); // the header
  const stopping = () => signal?.aborted === true || fatal !== undefined;
  async function nextRow(): Promise<CsvRecord | undefined> {
    for (;;) {
      if (stopping()) return undefined;
      const { value, done } = await rows.next();
      if (done) return undefined;
      if (blankRow(value.values) && !value.error) continue;
      lastPulled = Math.max(lastPulled, value.line);
      if (value.line <= committedBefore || doneBefore.has(value.line)) continue;
      inFlight.add(value.line);
      return value;
    }
  }

  const finish = (record: CsvRecord) => {
    inFlight.delete(record.line);
    doneAfter.add(record.line);
    attempted.delete(record.line);
    handled++;
    options.onProgress?.(progress());
  };
  const reject = (record: CsvRecord, reason: string) => {
    counts.rejected++;
    rejected.push({ line: record.line, reason, values: record.values });
    finish(record);
  };

  async function handle(record: CsvRecord): Promise<void> {
    if (record.error) return reject(record, record.error);
    const row = rowFields(map, record.values);
    if ('error' in row) return reject(record, row.error);
    let outcome: RowOutcome | undefined;
    const firstTry = performance.now();
    for (let attempt = 0; !outcome; attempt++) {
      // Unfinished, the row stays in flight: the checkpoint keeps it to do.
      if (signal?.aborted) return;
      try {
        await limiter?.take(signal);
      } catch (error) {
        if (isAbort(error)) return;
        throw error;
      }
      try {
        outcome = await options.target.enroll(row.fields, { columnOf });
        limiter?.succeeded();
      } catch (error) {
        if (!isTransient(error)) throw error;
        attempted.add(record.line);
        retries++;
        limiter?.throttled();
        if (performance.now() - firstTry > giveUpAfterMs) {
          throw new UsageError(
            `${options.target.description} kept refusing line ${record.line} for ${Math.round(giveUpAfterMs / 1000)} s (${(error as Error).message}); run the same command with --resume later`,
          );
        }
        const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(attempt, 20));
        try {
          await sleep(Math.random() * ceiling, undefined, signal ? { signal } : undefined);
        } catch (abort) {
          if (isAbort(abort)) return;
          throw abort;
        }
      }
    }
    switch (outcome.kind) {
      case 'enrolled':
        // A lead that an earlier try of this very row enrolled (before a throttle or an interrupt) is ours.
        if (outcome.status !== 'existing' || attempted.has(record.line)) counts.imported++;
        else counts.alreadyEnrolled++;
        return finish(record);
      case 'not-enrolled':
        counts.notEnrolled[outcome.reason] = (counts.notEnrolled[outcome.reason] ?? 0) + 1;
        return finish(record);
      case 'rejected':
        return reject(record, outcome.reason);
    }
  }

  async function worker(): Promise<void> {
    try {
      for (let record = await nextRow(); record; record = await nextRow()) await handle(record);
    } catch (error) {
      fatal ??= error;
    }
  }

  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    clearInterval(tick);
    await rows.return?.(undefined);
  }
  const complete = fatal === undefined && !signal?.aborted;
  if (complete) {
    rmSync(checkpointFile, { force: true });
  } else {
    saveCheckpoint();
  }
  saveRejected();
  options.onProgress?.(progress());
  if (fatal !== undefined) throw fatal;

  const seconds = (performance.now() - runStart) / 1000;
  const notEnrolledTotal = Object.values(counts.notEnrolled).reduce((a, b) => a + b, 0);
  return {
    file: options.file,
    cadence: options.cadenceId,
    target: options.target.description,
    rows: total,
    imported: counts.imported,
    alreadyEnrolled: counts.alreadyEnrolled,
    notEnrolled: { total: notEnrolledTotal, byReason: counts.notEnrolled },
    rejected: counts.rejected,
    rejectedRows: [...rejected].sort((a, b) => a.line - b.line).map(({ line, reason }) => ({ line, reason })),
    ...(rejected.length > 0 ? { rejectedFile } : {}),
    unknownColumns: map.unknown,
    resumed,
    retries,
    seconds,
    rowsPerSecond: seconds > 0 ? handled / seconds : 0,
    interrupted: !complete,
    ...(complete ? {} : { checkpointFile }),
  };
}
