import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TransientError, UserError } from '../functions/core/errors.ts';
import type { EnrollDeps } from '../functions/domain/enroll.ts';
import {
  blankRow,
  type ColumnMap,
  importRow,
  mapHeader,
  type RowFields,
  type RowOutcome,
  rejectionReason,
  rowFields,
  submissionOf,
} from '../functions/domain/import.ts';
import { type CsvRecord, csvLine, csvRecords } from './csv.ts';

/*
 * `followup leads import`: a CSV file, streamed, row by row into a target (the local runtime in this process, a
 * running one over HTTP, or the deployed stack), at a steady rate that halves when the target throttles and climbs
 * back when it stops. A checkpoint next to the file records what is done, so Ctrl-C loses nothing and a resume skips
 * finished rows quickly; enrollment is idempotent, so a row done twice is still one lead, one enrollment, one
 * execution. Rejected rows are reported with their line numbers and reasons, and written to FILE.rejected.csv.
 */

/** Where rows go. */
export interface ImportTarget {
  /** For people: "the local runtime (.followup/)", "http://127.0.0.1:3000". */
  readonly description: string;
  /** Enrolls one row. Throws TransientError when the target is throttled or busy: the row is retried later. */
  enroll(fields: RowFields, context: RowContext): Promise<RowOutcome>;
}

export interface RowContext {
  /** The file's column that holds a field, to name it in a rejection. */
  readonly columnOf: (field: string) => string | undefined;
}

/** A problem with the file, the checkpoint or the target that the user fixes: printed as one line. */
export class ImportError extends UserError {
  override readonly name = 'ImportError';
}

export interface ImportOptions {
  readonly file: string;
  readonly cadenceId: string;
  readonly target: ImportTarget;
  /** Rows a second at most. */
  readonly rate: number;
  /** Continue an interrupted import of this file from its checkpoint. */
  readonly resume?: boolean;
  /** Stops the import between rows; what is done is kept in the checkpoint. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Rows in flight at once (default: enough to keep up with the rate, 2–32). */
  readonly concurrency?: number;
  readonly checkpointEveryMs?: number;
  /** How long one row may keep meeting throttling before the import stops (resumable). Default 5 minutes. */
  readonly giveUpAfterMs?: number;
  /** Backoff of a throttled row: full jitter between 0 and min(maxMs, baseMs × 2^attempt). */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
}

export interface ImportCounts {
  imported: number;
  alreadyEnrolled: number;
  rejected: number;
  notEnrolled: Record<string, number>;
}

export interface ImportProgress {
  readonly total: number;
  readonly done: number;
  readonly counts: Readonly<ImportCounts>;
  /** Rows a second over the last few seconds. */
  readonly rowsPerSecond: number;
  readonly etaSeconds?: number;
  /** The rate the limiter allows now (below the asked rate while the target throttles). */
  readonly allowedRate: number;
  readonly retries: number;
}

export interface RejectedRow {
  readonly line: number;
  readonly reason: string;
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

interface Checkpoint {
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
  readonly rejected: (RejectedRow & { readonly values: string[] })[];
}

export const checkpointPath = (file: string) => `${file}.followup-import.json`;

/** leads.csv → leads.rejected.csv. */
export const rejectedPath = (file: string) =>
  /\.csv$/i.test(file) ? file.replace(/\.csv$/i, '.rejected.csv') : `${file}.rejected.csv`;

/** The file's size and its first 64 KB: a resume refuses a file that changed (its line numbers would lie). */
function fingerprintOf(file: string): string {
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

/**
 * Rows a second, paced by a token bucket of one token (no bursts), that halves when the target throttles (at most
 * once a second, so one burst of refusals counts once; never below a sixteenth of the asked rate) and climbs back by
 * a fifth of the asked rate each second of success.
 */
export class AdaptiveRate {
  private allowed: number;
  private nextAt = 0;
  private lastCut = Number.NEGATIVE_INFINITY;
  private queue: Promise<void> = Promise.resolve();
  /** The lowest rate it reached. */
  lowest: number;

  constructor(
    readonly target: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(target > 0)) throw new ImportError(`the rate must be a positive number (got ${target})`);
    this.allowed = target;
    this.lowest = target;
  }

  get rate(): number {
    return this.allowed;
  }

  /** Resolves when the next row may go; rejects with an AbortError on `signal`. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(async () => {
      signal?.throwIfAborted();
      const now = this.now();
      const at = Math.max(now, this.nextAt);
      this.nextAt = at + 1000 / this.allowed;
      if (at > now) await sleep(at - now, undefined, signal ? { signal } : undefined);
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  throttled(): void {
    const now = this.now();
    if (now - this.lastCut < 1000) return;
    this.lastCut = now;
    this.allowed = Math.max(Math.min(this.target, 0.5), this.target / 16, this.allowed / 2);
    this.lowest = Math.min(this.lowest, this.allowed);
    // The next row waits a full interval at the new rate.
    this.nextAt = Math.max(this.nextAt, now + 1000 / this.allowed);
  }

  succeeded(): void {
    if (this.allowed >= this.target) return;
    this.allowed = Math.min(this.target, this.allowed + Math.max(1, this.target / 5) / this.allowed);
  }
}

const isTransient = (error: unknown) =>
  error instanceof TransientError || (error as Error | undefined)?.name === 'TransientError';
const isAbort = (error: unknown) => (error as Error | undefined)?.name === 'AbortError';

const emptyCounts = (): ImportCounts => ({ imported: 0, alreadyEnrolled: 0, rejected: 0, notEnrolled: {} });
const doneOf = (c: ImportCounts) =>
  c.imported + c.alreadyEnrolled + c.rejected + Object.values(c.notEnrolled).reduce((a, b) => a + b, 0);

function loadCheckpoint(file: string): Checkpoint | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
    if (value.version !== 1 || !Array.isArray(value.done)) throw new Error('unknown version');
    return value;
  } catch {
    throw new ImportError(
      `${basename(file)} is not a checkpoint this version can read; delete it to start the import over (rows already enrolled are not enrolled twice)`,
    );
  }
}

/** Imports every row of `options.file`; resolves with what it did, also when interrupted by `options.signal`. */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const file = resolve(options.file);
  if (!existsSync(file)) throw new ImportError(`no file ${options.file}`);
  const checkpointFile = checkpointPath(file);
  const rejectedFile = rejectedPath(file);
  const fingerprint = fingerprintOf(file);

  const { header, rows: total } = await scan(file);
  if (!header)
    throw new ImportError(`${options.file} is empty; the first line must be a header with an "email" column`);
  if (header.error) throw new ImportError(`${options.file} line ${header.line}: ${header.error}`);
  let map: ColumnMap;
  try {
    map = mapHeader(header.values);
  } catch (error) {
    throw new ImportError(`${options.file}: ${(error as Error).message}`);
  }
  const columnOf = (field: string) => {
    const i = map.fields.indexOf(field as never);
    return i >= 0 ? map.header[i] : undefined;
  };

  const saved = loadCheckpoint(checkpointFile);
  if (saved && !options.resume) {
    throw new ImportError(
      `${options.file} has an unfinished import (${doneOf(saved.counts).toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows done): add --resume to continue it, or delete ${basename(checkpointFile)} to start over`,
    );
  }
  if (saved && saved.fingerprint !== fingerprint) {
    throw new ImportError(
      `${options.file} changed since the interrupted import, so its line numbers no longer match: delete ${basename(checkpointFile)} to start over (rows already enrolled are not enrolled twice)`,
    );
  }
  if (saved && saved.cadence !== options.cadenceId) {
    throw new ImportError(
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

  const limiter = new AdaptiveRate(options.rate);
  const concurrency = options.concurrency ?? Math.min(32, Math.max(2, Math.ceil(options.rate / 4)));
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
    const checkpoint: Checkpoint = {
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
    };
    writeAtomically(checkpointFile, JSON.stringify(checkpoint));
    if (rejected.length !== rejectedSaved) writeRejected();
  };
  const writeRejected = () => {
    rejectedSaved = rejected.length;
    if (rejected.length === 0) return;
    const lines = [
      csvLine(['line', 'reason', ...map.header]),
      ...[...rejected]
        .sort((a, b) => a.line - b.line)
        .map((r) => csvLine([String(r.line), r.reason, ...r.values])),
    ];
    writeAtomically(rejectedFile, `${lines.join('\r\n')}\r\n`);
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
      allowedRate: limiter.rate,
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
      try {
        await limiter.take(signal);
      } catch (error) {
        if (isAbort(error)) return;
        throw error;
      }
      try {
        outcome = await options.target.enroll(row.fields, { columnOf });
        limiter.succeeded();
      } catch (error) {
        if (!isTransient(error)) throw error;
        attempted.add(record.line);
        retries++;
        limiter.throttled();
        if (performance.now() - firstTry > giveUpAfterMs) {
          throw new ImportError(
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
        if (outcome.status === 'started' || attempted.has(record.line)) counts.imported++;
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
    writeRejected();
  } else {
    saveCheckpoint();
    writeRejected();
  }
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

/** Rows into an engine in this process (the local runtime) or on AWS, through the domain's enrollment. */
export function directTarget(
  deps: EnrollDeps,
  options: { cadenceId: string; origin: string; clock: () => Date; description: string },
): ImportTarget {
  return {
    description: options.description,
    enroll: (fields, context) =>
      importRow(
        deps,
        fields,
        { cadenceId: options.cadenceId, origin: options.origin, columnOf: context.columnOf },
        options.clock(),
      ),
  };
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * Rows posted to a running engine's POST /leads (`npm start`, or the deployed API), as a form would post them: the
 * endpoint validates and enrolls; 429 and 5xx answers are retried. The endpoint records consent at the time of the
 * post (a consent_at column is not sent).
 */
export function httpTarget(
  baseUrl: string,
  options: { cadenceId: string; origin: string },
  fetchImpl: typeof fetch = fetch,
): ImportTarget {
  const url = new URL(baseUrl);
  const endpoint = new URL(
    /\/leads\/?$/.test(url.pathname) ? url.pathname : `${url.pathname.replace(/\/+$/, '')}/leads`,
    url,
  );
  let answered = false;
  return {
    description: endpoint.origin,
    async enroll(fields, context) {
      const { consentAt: _ignored, ...rest } = fields;
      const body = {
        ...submissionOf(rest),
        source: fields.source ?? options.origin,
        cadence: options.cadenceId,
      };
      let response: Response;
      try {
        response = await fetchImpl(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(body),
        });
      } catch (error) {
        const reason = ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
        if (!answered)
          throw new ImportError(`nothing answers at ${endpoint.href} (${reason}); is it running?`);
        throw new TransientError(`POST ${endpoint.pathname}: ${reason}`, { cause: error });
      }
      answered = true;
      const text = await response.text();
      const json = (() => {
        try {
          return JSON.parse(text) as Record<string, unknown>;
        } catch {
          return {};
        }
      })();
      if (response.status === 202) {
        const enrollment = json.enrollment as { status?: string; id?: string; reason?: string } | undefined;
        const leadId = String(json.leadId ?? '');
        if (enrollment?.status === 'started' || enrollment?.status === 'existing') {
          return { kind: 'enrolled', status: enrollment.status, leadId, enrollmentId: String(enrollment.id) };
        }
        return { kind: 'not-enrolled', leadId, reason: enrollment?.reason ?? 'not enrolled' };
      }
      if (RETRYABLE_STATUS.has(response.status)) throw new TransientError(`HTTP ${response.status}`);
      if (response.status === 400 && json.errors && typeof json.errors === 'object') {
        const errors = json.errors as Record<string, string>;
        if (errors.cadence) {
          throw new ImportError(
            `${endpoint.href} does not enroll leads in "${options.cadenceId}": ${errors.cadence}`,
          );
        }
        return { kind: 'rejected', reason: rejectionReason(errors, context.columnOf) };
      }
      if (response.status === 413) {
        return { kind: 'rejected', reason: 'the row is larger than the endpoint accepts (10 KB)' };
      }
      throw new ImportError(
        `POST ${endpoint.href} answered ${response.status}: ${String(json.message ?? text).slice(0, 200)}`,
      );
    },
  };
}
