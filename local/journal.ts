import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';

/*
 * An append-only file of JSON lines, each written and fsynced before `append` returns: what the local runtime
 * accepted (an email, a text) is on disk by the time its API answers, so a crash never loses it.
 */
export class Journal<T> {
  private fd: number | undefined;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'a');
  }

  /** Every entry of `file` in order; a last line cut short by a crash mid-write is left out. */
  static read<T>(file: string): T[] {
    if (!existsSync(file)) return [];
    const entries: T[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        entries.push(JSON.parse(line) as T);
      } catch {
        // Only the last line can be partial: nothing after it was ever acknowledged.
      }
    }
    return entries;
  }

  append(entry: T): void {
    if (this.fd === undefined) throw new Error(`${this.file} is closed: the runtime has stopped`);
    const bytes = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
    for (let written = 0; written < bytes.length; ) {
      written += writeSync(this.fd, bytes, written, bytes.length - written);
    }
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
