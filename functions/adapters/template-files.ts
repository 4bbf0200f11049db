import { readdirSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  parseTemplate,
  TEMPLATE_EXTENSION,
  type TemplateManifest,
  TemplateNotFound,
  type TemplateSource,
} from '../core/template-file.ts';

const NAME_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export function templatePath(dir: string, name: string): string {
  return join(dir, `${name}${TEMPLATE_EXTENSION}`);
}

/** Reads `<dir>/<name>.liquid`. Throws TemplateNotFound naming the expected path, TemplateInvalid for bad front matter. */
export async function loadTemplate(dir: string, name: string): Promise<TemplateSource> {
  const path = templatePath(dir, name);
  // Names come from cadences and execution input: refuse anything that could leave the folder.
  if (!NAME_RE.test(name)) {
    throw new TemplateNotFound(
      name,
      path,
      `"${name}" is not a template name; use lowercase letters, digits and dashes, e.g. "proposal-sent"`,
    );
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') throw new TemplateNotFound(name, path);
    throw error;
  }
  return parseTemplate(name, text);
}

export async function templateExists(dir: string, name: string): Promise<boolean> {
  if (!NAME_RE.test(name)) return false;
  try {
    return (await stat(templatePath(dir, name))).isFile();
  } catch {
    return false;
  }
}

/**
 * Every template of `dir` parsed, for a bundle's manifest (template-manifest.ts): read at synth, so a bad front matter
 * stops `cdk synth` with TemplateInvalid naming the file and the field, as `followup cadence validate` does.
 */
export function readTemplateManifest(dir: string): TemplateManifest {
  const manifest: Record<string, TemplateSource> = {};
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(TEMPLATE_EXTENSION))
    .sort()) {
    const name = basename(file, TEMPLATE_EXTENSION);
    manifest[name] = parseTemplate(name, readFileSync(join(dir, file), 'utf8'));
  }
  return manifest;
}
