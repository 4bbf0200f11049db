import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { previewCommand } from '../../../../bin/commands/preview.ts';
import { isHeldOut, pickVariant } from '../../../../functions/core/variant.ts';
import { leadIdFor } from '../../../../functions/domain/lead.ts';

/* `followup cadence preview` for the #16 fields: each variant with its share, one lead's variant, the holdout. */

const FILE = new URL('../../../fixtures/cadences/proposal-variants.json', import.meta.url).pathname;
const START = '2026-07-06T10:00:00-05:00';
const VARIANTS = [
  { id: 'a', template: 'proposal-sent', weight: 1 },
  { id: 'b', template: 'proposal-received', weight: 1 },
];
let stdout: string;

beforeEach(() => {
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
    stdout += String(text);
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('cadence preview of a step with variants', () => {
  it('shows every variant with its share of leads, and the holdout', async () => {
    // Act
    const code = await previewCommand(FILE, { start: START });
    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('a: proposal-sent 50% | b: proposal-received 50%');
    expect(stdout).toContain('Holdout 20%');
  });

  it('shows one lead’s own variant and whether it is held out, as the touch will pick them', async () => {
    // Prepare
    const email = 'ana@example.com';
    const leadId = leadIdFor(email);
    const expected = pickVariant(VARIANTS, leadId, 'proposal-variants', 'proposal');
    // Act
    await previewCommand(FILE, { start: START, email, json: true });
    const [first, second] = JSON.parse(stdout) as Record<string, unknown>[];
    // Assess
    expect(first).toMatchObject({
      step: 'proposal',
      variant: expected?.id,
      template: expected?.template,
      variants: VARIANTS,
    });
    expect(second).toEqual({
      step: 'case-study',
      channel: 'email',
      template: 'proposal-case-study',
      at: '2026-07-13T10:00:00-05:00',
    });
    stdout = '';
    await previewCommand(FILE, { start: START, email });
    expect(stdout).toContain(
      isHeldOut({ id: 'proposal-variants', holdout: 0.2 }, leadId) ? 'is held out' : 'is treated',
    );
  });
});
