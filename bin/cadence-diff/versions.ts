import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { readCadenceFile } from '../../functions/adapters/cadence-files.ts';
import { templatePath } from '../../functions/adapters/template-files.ts';
import { parseCadence } from '../../functions/core/cadence.ts';
import type { Cadence } from '../../functions/core/cadence-schema.ts';
import { UsageError } from '../../functions/core/errors.ts';
import { stepTemplates } from '../../functions/core/variant.ts';

/*
 * The two sides of `followup cadence diff`: the edited file, and the version in force. Locally the version in force
 * is the file of the same id in cadences/ (what `npm start` loads at start and the stack deploys); when the edit IS
 * that file, it is the committed one (git HEAD), because the runtime keeps no copy of what it loaded and the last
 * commit is what was deployed or started last. Templates are compared the same way, file by file.
 */

const run = promisify(execFile);

/** A file's committed text (HEAD), or undefined outside git or when the file is not committed. */
export async function committedText(file: string): Promise<string | undefined> {
  const dir = dirname(resolve(file));
  try {
    const { stdout: top } = await run('git', ['-C', dir, 'rev-parse', '--show-toplevel']);
    const path = relative(top.trim(), resolve(file)).split('\\').join('/');
    const { stdout } = await run('git', ['-C', top.trim(), 'show', `HEAD:${path}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch {
    return undefined;
  }
}

export interface CadenceVersions {
  readonly edited: Cadence;
  /** The version in force; undefined for a cadence that has none (new). */
  readonly inForce?: Cadence;
  /** Where the version in force was read, for the heading: "cadences/web-inquiry.json", "… at git HEAD". */
  readonly inForceLabel: string;
}

const label = (file: string) => relative(process.cwd(), file) || file;

/** The edited cadence (validated: a bad file is the validate command's list of issues) and the version in force. */
export async function cadenceVersions(file: string, cadencesDir: string): Promise<CadenceVersions> {
  if (!existsSync(file)) throw new UsageError(`${file} does not exist; name the edited cadence file`);
  const { result } = await readCadenceFile(file, { checkName: false });
  if (!result.ok) {
    const first = result.issues[0];
    throw new UsageError(
      `${label(file)}: ${first?.path}: ${first?.message} (${result.issues.length} problem${result.issues.length === 1 ? '' : 's'}: see \`followup cadence validate ${label(file)}\`)`,
    );
  }
  const edited = result.cadence;
  const inForceFile = resolve(cadencesDir, `${edited.id}.json`);
  if (resolve(file) !== inForceFile) {
    if (!existsSync(inForceFile))
      return { edited, inForceLabel: `${label(inForceFile)} (none: a new cadence)` };
    const inForce = await readCadenceFile(inForceFile, { checkName: false });
    if (!inForce.result.ok)
      throw new UsageError(
        `${label(inForceFile)}, the version in force, is not valid; fix it first (followup cadence validate)`,
      );
    return { edited, inForce: inForce.result.cadence, inForceLabel: label(inForceFile) };
  }
  const committed = await committedText(file);
  const where = `${label(file)} at git HEAD`;
  if (committed === undefined) return { edited, inForceLabel: `${where} (none: not committed)` };
  const parsed = parseCadence(JSON.parse(committed));
  if (!parsed.ok)
    throw new UsageError(`${where} is not a valid cadence; compare with --cadences DIR instead`);
  return { edited, inForce: parsed.cadence, inForceLabel: where };
}

export interface TemplateChange {
  readonly template: string;
  /** The edited text's file, and where the version in force came from. */
  readonly file: string;
  readonly inForce: string;
  /** No version in force: a template the edit adds. */
  readonly added: boolean;
}

/**
 * The templates the edited cadence names whose text differs from the version in force: `templatesDir` holds the
 * edits; the version in force is the cadences folder's sibling templates/ (or, when the edits are in it, git HEAD).
 * A template absent from `templatesDir` is the one in force, unchanged.
 */
export async function changedTemplates(
  cadence: Cadence,
  templatesDir: string,
  cadencesDir: string,
): Promise<TemplateChange[]> {
  const inForceDir = resolve(dirname(resolve(cadencesDir)), 'templates');
  const inPlace = resolve(templatesDir) === inForceDir;
  const changes: TemplateChange[] = [];
  // Every variant's template too: an edit to a second variant's wording is an edit (#16).
  for (const name of new Set(cadence.steps.flatMap(stepTemplates))) {
    const file = templatePath(templatesDir, name);
    if (!existsSync(file)) continue;
    const text = await readFile(file, 'utf8');
    const inForceFile = join(inForceDir, basename(file));
    const before = inPlace
      ? await committedText(file)
      : existsSync(inForceFile)
        ? await readFile(inForceFile, 'utf8')
        : undefined;
    if (before === text) continue;
    changes.push({
      template: name,
      file: label(file),
      inForce: inPlace ? `${label(file)} at git HEAD` : label(inForceFile),
      added: before === undefined,
    });
  }
  return changes;
}
