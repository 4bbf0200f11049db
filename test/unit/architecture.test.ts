import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The layout rules of docs/architecture.md §1.3, checked on the source tree: a rule that only lives in a document is
 * broken by the first change that does not know it.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const PRODUCTION = ['functions', 'lib', 'local', 'bin', 'web', 'bench'];

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) out.push(path);
    }
  };
  walk(join(ROOT, folder));
  return out.sort();
}

const rel = (path: string) => relative(ROOT, path);
const text = (path: string) => readFileSync(path, 'utf8');
/** Source without comments, so a rule is judged on code, not on the words that explain it. */
const code = (path: string) =>
  text(path)
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/([^:'"`])\/\/.*$/gm, '$1');

/** Relative imports and re-exports, type-only ones included (Biome formats them all as `… from '…'`). */
function importsOf(file: string): string[] {
  const specifiers = [...code(file).matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s*'([^']+)'/g)].map(
    (m) => m[1] ?? '',
  );
  const sideEffects = [...code(file).matchAll(/(?:^|\n)\s*import\s*'([^']+)'/g)].map((m) => m[1] ?? '');
  return [...specifiers, ...sideEffects]
    .filter((s) => s.startsWith('.'))
    .map((s) => resolve(dirname(file), s));
}

/** Every cycle of the import graph of these files, as "a.ts -> b.ts -> a.ts". */
function importCycles(files: readonly string[]): string[] {
  const known = new Set(files);
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((to) => known.has(to))]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const cycles: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') {
        cycles.push([...path.slice(path.indexOf(next)), next].map(rel).join(' -> '));
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return cycles;
}

describe('the layout', () => {
  it('has no import cycle in functions/, type-only imports included', () => {
    expect(importCycles(sourceFiles('functions'))).toEqual([]);
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    const here = resolve(ROOT, 'test/support/import-cycle');
    expect(importCycles([join(here, 'a.ts'), join(here, 'b.ts')])).toEqual([
      'test/support/import-cycle/a.ts -> test/support/import-cycle/b.ts -> test/support/import-cycle/a.ts',
    ]);
  });

  it('reads the environment only in the Lambda entry files', () => {
    const readers = sourceFiles('functions').filter((f) => /\bprocess\.env\b/.test(code(f)));
    expect(readers.map(rel).filter((f) => !f.startsWith('functions/entry/'))).toEqual([]);
  });

  it('spells table keys only in functions/adapters', () => {
    // Key prefixes and bare partition names of the single table (functions/adapters/dynamo/keys.ts), and the
    // key attributes themselves.
    const key =
      /['"`](?:LEADS?|ENR|TOUCH|TASK|EMAIL|EVENT|SIGNAL|SUPPRESS|ACTIVE|MONTH)#|['"`](?:RETRY|CLAIM|UNCONFIRMED|AGG)['"`]|\.(?:pk|sk)\b|\b(?:pk|sk):/;
    const spellers = PRODUCTION.flatMap(sourceFiles)
      .filter((f) => !rel(f).startsWith('functions/adapters/'))
      .filter((f) => key.test(code(f)))
      .map(rel);
    expect(spellers).toEqual([]);
  });

  it('keeps production files under 400 lines, or says why', () => {
    // Files allowed past the limit, each with its reason (docs/architecture.md §1.3).
    const allowed: Record<string, string> = {};
    const long = PRODUCTION.flatMap(sourceFiles)
      .map((f) => ({ file: rel(f), lines: text(f).split('\n').length }))
      .filter(({ file, lines }) => lines > 400 && !(file in allowed))
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(long).toEqual([]);
  });

  it('keeps unit tests in test/unit/ at the path of the source folder they test', () => {
    // test/unit/functions/domain/signals.test.ts tests functions/domain/; the repository-wide checks sit at the top.
    const misplaced = readdirSync(join(ROOT, 'test/unit'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && dirname(f) !== '.')
      .filter((f) => {
        const folder = join(ROOT, dirname(f));
        return !existsSync(folder) || !statSync(folder).isDirectory();
      });
    expect(misplaced).toEqual([]);
  });

  it('builds every page and email with the escaping html tag, never with escapeHtml by hand', () => {
    const callers = PRODUCTION.flatMap(sourceFiles)
      .filter((f) => rel(f) !== 'functions/core/html.ts')
      .filter((f) => /\bescapeHtml\(/.test(code(f)))
      .map(rel);
    expect(callers).toEqual([]);
  });
});
