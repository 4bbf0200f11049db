import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ExecutionRecord, ExecutionStore } from '../step-functions.ts';

/* What the local runtime keeps in its data folder between runs, each file written so a crash never halves it. */

/** Write-then-rename, so a crash mid-write never leaves half a file. */
export function writeJsonAtomically(file: string, value: unknown): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(value));
  renameSync(`${file}.tmp`, file);
}

export const readJson = <T>(file: string, fallback: T): T =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : fallback;

/** The executions in flight, resumed on the next start. */
export class FileExecutionStore implements ExecutionStore {
  constructor(private readonly file: string) {}
  async load(): Promise<ExecutionRecord[]> {
    return readJson<ExecutionRecord[]>(this.file, []);
  }
  async save(records: readonly ExecutionRecord[]): Promise<void> {
    writeJsonAtomically(this.file, records);
  }
}
