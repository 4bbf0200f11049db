import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The design lives in the repository: comments cite docs/architecture.md by section, never the brief the project
 * started from (which it does not hold), and every section they cite exists.
 */

const ROOT = new URL('../../', import.meta.url).pathname;
const ARCHITECTURE = 'docs/architecture.md';
// The folders .gitignore leaves out: installed, synthesized or run-time files, not the project's source.
const SKIPPED = new Set(['.git', 'node_modules', 'cdk.out', '.followup', 'coverage']);
// Spelled in two parts so this file does not cite the brief itself.
const BRIEF_CITATION = new RegExp(['DESIGN', '§'].join(' '));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : sourceFiles(path);
    return entry.isFile() && !entry.name.endsWith('.log') ? [path] : [];
  });
}

/** Text files only: a file with a NUL byte is binary. */
const texts = sourceFiles(ROOT)
  .map((path) => ({ file: relative(ROOT, path), text: readFileSync(path, 'utf8') }))
  .filter(({ text }) => !text.includes('\0'));

/** The numbers of the headings of a markdown document: "## 8. Rules…" is "8", "### 8.3 At most…" is "8.3". */
function sectionsOf(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^#{2,4}\s+(\d+(?:\.\d+)*)\.?\s/gm)].map((m) => m[1] as string));
}

/**
 * Every section a text cites as "docs/architecture.md §8.3", "§3.3, §8.8" or "§8.3–§8.5", also when a comment's
 * line break falls between the path and the section.
 */
function citedSections(text: string): string[] {
  const citations = text.matchAll(
    /docs\/architecture\.md((?:(?:[\s*/]*|\s*,\s*|\s+and\s+|\s*–\s*)§\d+(?:\.\d+)*)+)/g,
  );
  return [...citations].flatMap((m) =>
    [...(m[1] as string).matchAll(/§(\d+(?:\.\d+)*)/g)].map((s) => s[1] as string),
  );
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');

const architecture = readFileSync(join(ROOT, ARCHITECTURE), 'utf8');
const sections = sectionsOf(architecture);

describe('docs/architecture.md', () => {
  it('numbers its sections, so comments can cite them', () => {
    expect([...sections]).toEqual(expect.arrayContaining(['1', '2.3', '4', '5.1', '8.3', '9']));
  });

  it('is what comments cite: no file outside node_modules cites the original brief', () => {
    const citing = texts.filter(({ text }) => BRIEF_CITATION.test(text)).map(({ file }) => file);
    expect(citing).toEqual([]);
  });

  it('has every section a file cites', () => {
    const missing = texts.flatMap(({ file, text }) =>
      citedSections(text)
        .filter((section) => !sections.has(section))
        .map((section) => `${file}: §${section}`),
    );
    expect(missing).toEqual([]);
  });

  it('is really checked: a citation of a section it lacks is found, in every form a comment writes it', () => {
    // Built from ARCHITECTURE so this file's own source cites nothing.
    const text = [
      `// the rule (${ARCHITECTURE} §8.3, §99): why`,
      ` * see ${ARCHITECTURE} §8.3–§42.1 and ${ARCHITECTURE}`,
      ' * §77.',
    ].join('\n');
    expect(citedSections(text).filter((section) => !sections.has(section))).toEqual(['99', '42.1', '77']);
  });

  it("is linked from README's For developers, with anchors that exist", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const forDevelopers = /^## For developers\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
    expect(forDevelopers).toContain(`](${ARCHITECTURE})`);
    const anchors = new Set(
      [...architecture.matchAll(/^#{1,4}\s+(.+)$/gm)].map((m) => anchorOf(m[1] as string)),
    );
    const linked = [...readme.matchAll(/docs\/architecture\.md#([a-z0-9_-]+)/g)].map((m) => m[1] as string);
    expect(linked.length).toBeGreaterThan(0);
    expect(linked.filter((anchor) => !anchors.has(anchor))).toEqual([]);
  });
});
