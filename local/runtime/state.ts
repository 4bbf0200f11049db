import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { appendFile, open, rename, writeFile } from 'node:fs/promises';
import { Journal } from '../journal.ts';
import type { ExecutionRecord, ExecutionStore } from '../step-functions.ts';

/* What the local runtime keeps in its data folder between runs, each file written so a crash never halves it. */

/** Write-then-rename, so a crash mid-write never leaves half a file. */
export function writeJsonAtomically(file: string, value: unknown): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(value));
  renameSync(`${file}.tmp`, file);
}

export const readJson = <T>(file: string, fallback: T): T =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : fallback;

/** The snapshot: every record as of journal entry `seq`. A plain array is a snapshot from before the journal. */
interface Snapshot {
  readonly seq: number;
  readonly records: ExecutionRecord[];
}

interface JournalEntry {
  readonly seq: number;
  readonly record: ExecutionRecord;
}

/** Journal entries beyond this many, and beyond the records themselves, fold into a new snapshot. */
const COMPACT_AFTER = 2_000;

/**
 * The executions in flight, resumed on the next start: a snapshot (`executions.json`) and a journal beside it that
 * each save appends its changed records to, so a start costs one line, not the whole file. The journal is folded into
 * the snapshot now and then; each line carries a sequence number, so a crash between writing the new snapshot and
 * emptying the journal replays nothing older than the snapshot, and a line cut short by a crash is left out.
 */
export class FileExecutionStore implements ExecutionStore {
  private readonly journal: string;
  /** Each record as its latest JSON, so a snapshot is written without serialising every record again. */
  private readonly records = new Map<string, string>();
  private seq = 0;
  /** Lines in the journal since the last snapshot. */
  private entries = 0;

  constructor(private readonly file: string) {
    this.journal = `${file.replace(/\.json$/, '')}.journal`;
  }

  async load(): Promise<ExecutionRecord[]> {
    const saved = readJson<Snapshot | ExecutionRecord[]>(this.file, []);
    const snapshot = Array.isArray(saved) ? { seq: 0, records: saved } : saved;
    this.records.clear();
    const records = new Map(snapshot.records.map((record) => [record.executionArn, record]));
    this.seq = snapshot.seq;
    for (const entry of Journal.read<JournalEntry>(this.journal)) {
      if (entry.seq <= snapshot.seq) continue;
      records.set(entry.record.executionArn, entry.record);
      this.seq = Math.max(this.seq, entry.seq);
    }
    for (const [arn, record] of records) this.records.set(arn, JSON.stringify(record));
    // Folded in at once: a line a crash cut short must not run into the next one appended after it.
    if (existsSync(this.journal) && statSync(this.journal).size > 0) await this.compact();
    return [...records.values()];
  }

  async save(changed: readonly ExecutionRecord[]): Promise<void> {
    if (changed.length === 0) return;
    const lines = changed.map((record) => {
      const json = JSON.stringify(record);
      this.records.set(record.executionArn, json);
      return `{"seq":${++this.seq},"record":${json}}\n`;
    });
    await appendFile(this.journal, lines.join(''));
    this.entries += changed.length;
    if (this.entries > Math.max(COMPACT_AFTER, this.records.size)) await this.compact();
  }

  /** The snapshot of every record, then an empty journal: its lines are all in the snapshot now. */
  private async compact(): Promise<void> {
    // Snapshot's shape, written from each record's JSON.
    await writeFile(
      `${this.file}.tmp`,
      `{"seq":${this.seq},"records":[${[...this.records.values()].join(',')}]}`,
    );
    await rename(`${this.file}.tmp`, this.file);
    const journal = await open(this.journal, 'w');
    await journal.close();
    this.entries = 0;
  }
}
