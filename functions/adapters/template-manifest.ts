import { readFile } from 'node:fs/promises';
import {
  TEMPLATE_EXTENSION,
  type TemplateManifest,
  TemplateNotFound,
  type TemplateSource,
} from '../core/template-source.ts';

/*
 * The templates as a Lambda bundle carries them: one JSON manifest parsed at synth (readTemplateManifest in
 * template-files.ts), so the Touch function reads no YAML and loads no YAML parser (docs/architecture.md §9). The
 * local runtime and the CLI read the template files themselves, so an edit shows on the next touch.
 */

function isSource(value: unknown): value is TemplateSource {
  if (typeof value !== 'object' || value === null) return false;
  const { name, subject, value: said, body } = value as Record<string, unknown>;
  const optionalText = (v: unknown) => v === undefined || typeof v === 'string';
  return typeof name === 'string' && typeof body === 'string' && optionalText(subject) && optionalText(said);
}

/** Parses a manifest's text; throws naming the file when it is not what readTemplateManifest writes. */
export function parseTemplateManifest(file: string, text: string): TemplateManifest {
  const data: unknown = JSON.parse(text);
  if (
    typeof data !== 'object' ||
    data === null ||
    Array.isArray(data) ||
    !Object.entries(data).every(([name, source]) => isSource(source) && source.name === name)
  ) {
    throw new Error(
      `${file} is not a template manifest; bundle the function again (lib/followup-function.ts)`,
    );
  }
  return data as TemplateManifest;
}

/**
 * The template reader over a bundled manifest: the file is read once, on the first touch of a cold start (it never
 * changes under a running function). An unknown name throws TemplateNotFound, as the file reader does.
 */
export function manifestTemplates(file: string): (name: string) => Promise<TemplateSource> {
  let manifest: Promise<TemplateManifest> | undefined;
  const load = () => {
    manifest ??= readFile(file, 'utf8')
      .then((text) => parseTemplateManifest(file, text))
      .catch((error: unknown) => {
        manifest = undefined;
        throw error;
      });
    return manifest;
  };
  return async (name) => {
    const all = await load();
    const source = Object.hasOwn(all, name) ? all[name] : undefined;
    if (!source) {
      throw new TemplateNotFound(
        name,
        file,
        `no template "${name}" in ${file}: add templates/${name}${TEMPLATE_EXTENSION} and deploy again`,
      );
    }
    return source;
  };
}
