import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lintCommand, validateCommand } from '../../../../bin/commands/validate.ts';

/* `followup cadence validate` and `lint` check every variant's template, at the variant's path. */

const TEMPLATES = new URL('../../../../templates', import.meta.url).pathname;
let out: string;

beforeEach(() => {
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
    out += String(text);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  vi.restoreAllMocks();
});

function cadenceFile(secondTemplate: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'followup-validate-'));
  const file = join(dir, 'ab.json');
  writeFileSync(
    file,
    JSON.stringify({
      id: 'ab',
      name: 'A/B',
      steps: [
        {
          id: 'first',
          day: 1,
          channel: 'email',
          variants: [
            { id: 'a', template: 'proposal-sent' },
            { id: 'b', template: secondTemplate },
          ],
        },
      ],
    }),
  );
  return file;
}

describe('validate and lint with variants', () => {
  it('passes when every variant’s template exists', async () => {
    // Act
    const code = await validateCommand([cadenceFile('proposal-received')], {
      templates: TEMPLATES,
      cadences: 'cadences',
      json: true,
    });
    // Assess
    expect(code).toBe(0);
  });

  it('names the variant whose template does not exist, in validate and in lint', async () => {
    // Prepare
    const file = cadenceFile('proposal-nowhere');
    // Act
    const code = await validateCommand([file], { templates: TEMPLATES, cadences: 'cadences', json: true });
    const report = JSON.parse(out) as { files: { issues: { path: string }[] }[] };
    out = '';
    await lintCommand([file], { templates: TEMPLATES, cadences: 'cadences', json: true });
    const lint = JSON.parse(out) as { findings: { step: string; rule: string }[] };
    // Assess
    expect(code).toBe(1);
    expect(report.files[0]?.issues.map((i) => i.path)).toEqual(['steps[0].variants[1].template']);
    expect(lint.findings).toContainEqual(
      expect.objectContaining({ step: 'steps[0].variants[1].template', rule: 'missing' }),
    );
  });
});
