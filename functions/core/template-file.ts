import { parse as parseYaml } from 'yaml';
import { closest } from './cadence.ts';
import { FRONT_MATTER_KEYS, TemplateInvalid, type TemplateSource } from './template-source.ts';

/*
 * A template file as it is read from `templates/`: the YAML front matter split from the Liquid body, with errors that
 * name the file and say how to fix it (docs/architecture.md §2.2). Only the local runtime, the CLI and synth read it.
 */

// The shapes and errors live apart from the YAML reading, so a bundle that only renders loads no YAML parser (§9).
export {
  FRONT_MATTER_KEYS,
  TEMPLATE_EXTENSION,
  TEMPLATE_MANIFEST,
  TemplateInvalid,
  type TemplateManifest,
  TemplateNotFound,
  type TemplateSource,
} from './template-source.ts';

const FRONT_MATTER = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?---[ \t]*(?:\r?\n|$)/;

/** Splits a template file into its front matter and body; throws TemplateInvalid naming what is wrong. */
export function parseTemplate(name: string, text: string): TemplateSource {
  const content = text.replace(/^\uFEFF/, '');
  if (!/^---[ \t]*\r?\n/.test(content)) return { name, body: content };
  const match = FRONT_MATTER.exec(content);
  if (!match) {
    throw new TemplateInvalid(
      name,
      'the front matter opened by "---" on line 1 is never closed; end it with a line "---"',
    );
  }
  const meta = readFrontMatter(name, match[1] ?? '');
  return { name, ...meta, body: content.slice(match[0].length) };
}

function readFrontMatter(name: string, yamlText: string): { subject?: string; value?: string } {
  let data: unknown;
  try {
    data = parseYaml(yamlText);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0]?.replace(/:$/, '');
    throw new TemplateInvalid(
      name,
      `front matter is not valid YAML: ${reason}; if a value holds Liquid or ": ", put it in single quotes, e.g. subject: 'Hi {{ lead.name | default: "there" }}'`,
    );
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new TemplateInvalid(name, 'front matter must be "key: value" lines, e.g. "subject: Your proposal"');
  }
  const out: { subject?: string; value?: string } = {};
  for (const [key, raw] of Object.entries(data)) {
    if (!(FRONT_MATTER_KEYS as readonly string[]).includes(key)) {
      const guess = closest(key, FRONT_MATTER_KEYS);
      throw new TemplateInvalid(
        name,
        guess
          ? `front matter: unknown key "${key}"; did you mean "${guess}"?`
          : `front matter: unknown key "${key}"; allowed: ${FRONT_MATTER_KEYS.join(', ')}`,
      );
    }
    if (typeof raw !== 'string') {
      throw new TemplateInvalid(name, `front matter: "${key}" must be text on one line; put it in quotes`);
    }
    const line = raw.trim();
    if (!line) throw new TemplateInvalid(name, `front matter: "${key}" is empty; write it or remove the key`);
    if (line.includes('\n')) throw new TemplateInvalid(name, `front matter: "${key}" must be one line`);
    out[key as (typeof FRONT_MATTER_KEYS)[number]] = line;
  }
  return out;
}
