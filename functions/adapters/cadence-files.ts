import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CadenceInvalid, type CadenceResult, parseCadence } from '../core/cadence.ts';
import type { Cadence } from '../core/cadence-schema.ts';
import { UsageError } from '../core/errors.ts';

export const SCHEMA_FILE = 'cadence.schema.json';

const noFolder = (dir: string) =>
  new UsageError(`no cadences folder at ${dir}; pass cadence files, or run from the project folder`);

/** The cadence files among a folder's entries, in a stable order. */
const cadenceFiles = (dir: string, entries: readonly string[]): string[] =>
  entries
    .filter((f) => f.endsWith('.json') && f !== SCHEMA_FILE)
    .sort()
    .map((f) => join(dir, f));

export async function listCadenceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir).catch(() => {
    throw noFolder(dir);
  });
  return cadenceFiles(dir, entries);
}

/**
 * Every cadence in `dir`, validated as `followup cadence validate` does, `then` checked against the folder; the
 * first bad file throws. Synchronous, because `cdk synth` cannot await; the Lambdas and the local runtime use it too.
 */
export function loadCadencesSync(dir: string): Cadence[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    throw noFolder(dir);
  }
  const files = cadenceFiles(dir, entries);
  const known = new Set(files.map((f) => basename(f, '.json')));
  return files.map((file) => {
    const result = parseCadence(parseJson(file, readFileSync(file, 'utf8')), {
      fileId: basename(file, '.json'),
      knownCadences: known,
    });
    if (!result.ok) throw new CadenceInvalid(file, result.issues);
    return result.cadence;
  });
}

/** Ids of the cadences beside `file` (its folder) and in `extraDir`, so `then` can be checked. */
export async function knownCadenceIds(...dirs: string[]): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const dir of new Set(dirs.map((d) => resolve(d)))) {
    const files = await listCadenceFiles(dir).catch(() => []);
    for (const f of files) ids.add(basename(f, '.json'));
  }
  return ids;
}

export async function readJsonFile(file: string): Promise<unknown> {
  return (await readJsonDocument(file)).value;
}

/** The file's text with its parsed value, for an edit that keeps the text's formatting (`cadence promote`). */
export async function readJsonDocument(
  file: string,
): Promise<{ readonly text: string; readonly value: unknown }> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      error.code === 'ENOENT'
        ? `${file}: no such file`
        : `${file}: cannot read (${error.code ?? error.message})`,
    );
  });
  return { text, value: parseJson(file, text) };
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: ${jsonErrorWithLine(text, (error as Error).message)}`);
  }
}

/** Node reports JSON errors by character position; people look for a line and column. */
function jsonErrorWithLine(text: string, message: string): string {
  const position = /position (\d+)/.exec(message);
  if (!position) return `not valid JSON (${message})`;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `not valid JSON at line ${line}, column ${column} (${message.replace(/ in JSON at position \d+.*$/, '')})`;
}

export interface CadenceFile {
  readonly file: string;
  readonly result: CadenceResult;
}

/** Reads and validates one cadence file; `then` is checked against the cadences in its folder. */
export async function readCadenceFile(
  file: string,
  options: { checkName?: boolean } = {},
): Promise<CadenceFile> {
  const raw = await readJsonFile(file);
  const checkName = options.checkName ?? true;
  const result = parseCadence(raw, {
    ...(checkName ? { fileId: basename(file, '.json') } : {}),
    ...(checkName ? { knownCadences: await knownCadenceIds(dirname(file)) } : {}),
  });
  return { file, result };
}
