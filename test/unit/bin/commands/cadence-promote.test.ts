import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { promoteCommand } from '../../../../bin/commands/cadence-promote.ts';
import { parseCadence } from '../../../../functions/core/cadence.ts';

/* `followup cadence promote`: the winner becomes the step's template, by a validated edit of the file. */

const FIXTURE = new URL('../../../fixtures/cadences/proposal-variants.json', import.meta.url);

function folderWithFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'followup-promote-'));
  writeFileSync(join(dir, 'proposal-variants.json'), readFileSync(FIXTURE, 'utf8'));
  return dir;
}

const quiet = { write: () => true };

describe('followup cadence promote', () => {
  it('replaces the step’s variants by the winner’s template and leaves a valid cadence, the rest unchanged', async () => {
    // Prepare
    const dir = folderWithFixture();
    const before = JSON.parse(readFileSync(join(dir, 'proposal-variants.json'), 'utf8'));
    // Act
    const code = await promoteCommand('proposal-variants', 'proposal', 'b', { cadences: dir }, quiet);
    // Assess
    const after = JSON.parse(readFileSync(join(dir, 'proposal-variants.json'), 'utf8'));
    expect(code).toBe(0);
    expect(after.steps[0]).toEqual({
      id: 'proposal',
      day: 1,
      channel: 'email',
      template: 'proposal-received',
    });
    expect(Object.keys(after.steps[0])).toEqual(['id', 'day', 'channel', 'template']);
    expect({ ...after, steps: after.steps.slice(1) }).toEqual({ ...before, steps: before.steps.slice(1) });
    expect(parseCadence(after).ok).toBe(true);
  });

  it('edits only the promoted step’s lines: the rest of the file keeps its formatting, so lint stays green', async () => {
    // Prepare
    const dir = folderWithFixture();
    const file = join(dir, 'proposal-variants.json');
    const before = readFileSync(file, 'utf8').split('\n');
    // Act
    await promoteCommand('proposal-variants', 'proposal', 'b', { cadences: dir }, quiet);
    // Assess: the variants' four lines became one template line; every other line is as it was.
    const after = readFileSync(file, 'utf8').split('\n');
    const start = before.findIndex((line) => line.includes('"variants"'));
    expect(after.slice(0, start)).toEqual(before.slice(0, start));
    expect(after[start]).toBe('      "template": "proposal-received"');
    expect(after.slice(start + 1)).toEqual(before.slice(start + 4));
  });

  it('refuses an unknown step or variant, naming the ones there are, and leaves the file as it was', async () => {
    // Prepare
    const dir = folderWithFixture();
    const file = join(dir, 'proposal-variants.json');
    const before = readFileSync(file, 'utf8');
    // Act + Assess
    await expect(promoteCommand('proposal-variants', 'nope', 'b', { cadences: dir }, quiet)).rejects.toThrow(
      'no step "nope"; steps: proposal, case-study',
    );
    await expect(
      promoteCommand('proposal-variants', 'proposal', 'c', { cadences: dir }, quiet),
    ).rejects.toThrow('has no variant "c"; variants: a, b');
    await expect(
      promoteCommand('proposal-variants', 'case-study', 'a', { cadences: dir }, quiet),
    ).rejects.toThrow('has no variants to promote from');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});
