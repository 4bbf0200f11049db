import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  parseTemplate,
  TEMPLATE_EXTENSION,
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
