import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../../functions/core/errors.ts';
import { simulate } from '../../../../local/simulate/index.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;

/** A project with the shipped cadences, templates and config, and one more cadence no form may start. */
function projectWithNewCadence(): string {
  const root = mkdtempSync(join(tmpdir(), 'followup-form-cadence-'));
  for (const entry of ['cadences', 'templates', 'followup.config.json']) {
    cpSync(join(ROOT, entry), join(root, entry), { recursive: true });
  }
  cpSync(
    join(ROOT, 'test/fixtures/cadences/proposal-variants.json'),
    join(root, 'cadences', 'proposal-variants.json'),
  );
  return root;
}

describe('simulate of a cadence the form cannot start', () => {
  it('says before it starts which setting to change, with no stack trace', async () => {
    // Prepare: a new cadence, not in formCadences (simulate's leads sign up through the form)
    const root = projectWithNewCadence();

    // Act
    const run = simulate({ root, cadenceId: 'proposal-variants', leads: 2 });

    // Assess
    await expect(run).rejects.toBeInstanceOf(UserError);
    await expect(run).rejects.toThrow(
      /"proposal-variants" is not one a form can start: add it to "formCadences" in followup\.config\.json \(now: web-inquiry, proposal\)/,
    );
  });
});
