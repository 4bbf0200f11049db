import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplate, readTemplateManifest } from '../../../../functions/adapters/template-files.ts';
import {
  manifestTemplates,
  parseTemplateManifest,
} from '../../../../functions/adapters/template-manifest.ts';
import {
  TEMPLATE_MANIFEST,
  TemplateInvalid,
  TemplateNotFound,
} from '../../../../functions/core/template-file.ts';
import { templateManifestJson, writeManifestCommand } from '../../../../lib/followup-function.ts';

/*
 * The Touch bundle reads its templates from a manifest parsed at synth (docs/architecture.md §9): what it reads must
 * be exactly what the local runtime reads from the files, and a bad file must stop synth naming the file and field.
 */

const TEMPLATES = new URL('../../../../templates', import.meta.url).pathname;

/** Writes a manifest into a fresh bundle folder with the command the stack runs after bundling. */
function bundleWith(json: string): string {
  const out = mkdtempSync(join(tmpdir(), 'followup-manifest-'));
  const run = spawnSync('bash', ['-c', writeManifestCommand(json, out)], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return join(out, 'templates', TEMPLATE_MANIFEST);
}

describe('the template manifest', () => {
  it('gives the Touch every shipped template exactly as the files read', async () => {
    // Prepare
    const file = bundleWith(templateManifestJson(TEMPLATES));
    const templates = manifestTemplates(file);

    // Act / Assess
    const names = readdirSync(TEMPLATES).map((f) => basename(f, '.liquid'));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(await templates(name)).toEqual(await loadTemplate(TEMPLATES, name));
  });

  it('survives quotes, percent signs, backslashes and line breaks through the shell', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'followup-templates-'));
    const body = "It's 100% yours: C:\\new\\table, '$HOME' and `date`\n\n{{ lead.firstName }}\n";
    writeFileSync(join(dir, 'tricky.liquid'), `---\nsubject: "We'll call it 50% \\\\ done"\n---\n${body}`);

    // Act
    const source = await manifestTemplates(bundleWith(JSON.stringify(readTemplateManifest(dir))))('tricky');

    // Assess
    expect(source).toEqual({ name: 'tricky', subject: "We'll call it 50% \\ done", body });
  });

  it('throws TemplateNotFound for a name it does not hold, naming the fix', async () => {
    const templates = manifestTemplates(bundleWith(templateManifestJson(TEMPLATES)));

    const error = await templates('no-such-template').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TemplateNotFound);
    expect((error as Error).message).toContain('add templates/no-such-template.liquid and deploy again');
    // A name from the object's prototype is no template either.
    await expect(templates('constructor')).rejects.toBeInstanceOf(TemplateNotFound);
  });

  it('refuses a file that is not a manifest, naming it', () => {
    expect(() => parseTemplateManifest('/var/task/templates/templates.json', '{"a": {"body": 1}}')).toThrow(
      /templates\.json is not a template manifest/,
    );
    expect(() => parseTemplateManifest('m.json', '{"a": {"name": "b", "body": ""}}')).toThrow();
    expect(parseTemplateManifest('m.json', '{"a": {"name": "a", "body": "hi"}}')).toEqual({
      a: { name: 'a', body: 'hi' },
    });
  });

  it('stops synth on a bad front matter, naming the file and the field', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'followup-templates-'));
    writeFileSync(join(dir, 'good.liquid'), '---\nsubject: Hello\n---\nHi\n');
    writeFileSync(join(dir, 'bad.liquid'), '---\nsubjct: Hello\n---\nHi\n');

    // Act
    const error = (() => {
      try {
        return templateManifestJson(dir);
      } catch (e) {
        return e;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(TemplateInvalid);
    expect((error as Error).message).toBe(
      'bad.liquid: front matter: unknown key "subjct"; did you mean "subject"?',
    );
  });
});
