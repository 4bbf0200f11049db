import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCadenceEdits } from '../../../../bin/cadence-diff/register.ts';
import { PROMOTE_MIN_SENT } from '../../../../functions/core/variant-promotion.ts';

/* `followup cadence promote --help` says what autoPromote does by itself, with the minimum sample the job uses. */

describe('followup cadence promote --help', () => {
  it('says autoPromote switches by itself, after how many sends, and what the command adds', () => {
    // Prepare
    const program = new Command();
    let help = '';
    program.exitOverride().configureOutput({ writeOut: (text) => (help += text) });
    const cadence = program.command('cadence');
    cadence.exitOverride().configureOutput({ writeOut: (text) => (help += text) });
    registerCadenceEdits(cadence, {
      run: async () => undefined,
      templatesOption: new Option('--templates <dir>'),
      cadencesOption: new Option('--cadences <dir>'),
    });
    const promote = cadence.commands.find((c) => c.name() === 'promote');
    promote?.exitOverride().configureOutput({ writeOut: (text) => (help += text) });
    // Act
    try {
      program.parse(['node', 'followup', 'cadence', 'promote', '--help']);
    } catch {
      // commander exits after printing the help
    }
    // Assess
    const text = help.replace(/\s+/g, ' ');
    expect(text).toContain('"autoPromote": true the engine switches by itself');
    expect(text).toContain(`variant was sent ${PROMOTE_MIN_SENT} times`);
    expect(text).not.toContain('nothing switches by itself');
  });
});
