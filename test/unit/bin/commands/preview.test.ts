import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { previewCommand } from '../../../../bin/commands/preview.ts';
import { parseCadence } from '../../../../functions/core/cadence.ts';
import { UsageError } from '../../../../functions/core/errors.ts';
import { computeSchedule } from '../../../../functions/core/schedule.ts';
import { leadIdFor } from '../../../../functions/domain/lead.ts';

/* `followup cadence preview` for the #15 fields: an immediate step, and a spread shown for one lead or as its span. */

let dir: string;
let stdout: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'followup-preview-'));
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
    stdout += String(text);
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const CADENCE = {
  id: 'inquiry',
  name: 'Inquiry',
  timezone: 'America/Chicago',
  spread: '90 minutes',
  steps: [
    { id: 'reply', wait: '0 minutes', channel: 'email', template: 'reply', sendWindow: 'immediate' },
    { id: 'call', wait: '24 hours', channel: 'call', template: 'call' },
  ],
};

function file(doc: unknown = CADENCE): string {
  const path = join(dir, 'inquiry.json');
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

const START = '2026-12-18T23:30:00-06:00';
const EMAIL = 'ana@example.com';

describe('followup cadence preview', () => {
  it('shows an immediate touch as "immediately, any hour", at the minute the lead arrived', async () => {
    // Act
    const code = await previewCommand(file(), { start: START });
    // Assess
    expect(code).toBe(0);
    const row = stdout.split('\n').find((line) => line.includes('reply'));
    expect(row).toContain('23:30');
    expect(row).toContain('+now');
    expect(row).toContain('immediately, any hour');
  });

  it('without a lead, says the span a spread touch may land in and how to see one lead', async () => {
    await previewCommand(file(), { start: START });
    expect(stdout).toContain('pass --email or --lead to see one lead');
    expect(stdout).toContain('spread: each lead at its own time in 09:00–10:30');
  });

  it('with --email, shows that lead exactly as the schedule production computes for its id', async () => {
    // Prepare
    const parsed = parseCadence(CADENCE);
    if (!parsed.ok) throw new Error('fixture');
    const leadId = leadIdFor(EMAIL);
    const production = computeSchedule(parsed.cadence, START, 'America/Chicago', { leadId });
    // Act
    await previewCommand(file(), { start: START, email: EMAIL, json: true });
    // Assess
    expect(JSON.parse(stdout)).toEqual(production);
    // The spread moved the call off 09:00 (Monday), inside 09:00-10:30.
    expect(production[1]?.at).toMatch(/^2026-12-21T(09:[0-5]\d|10:[0-2]\d):\d\d-06:00$/);
    expect(production[1]?.at).not.toBe('2026-12-21T09:00:00-06:00');
  });

  it('names the lead whose times it shows', async () => {
    await previewCommand(file(), { start: START, email: ` ${EMAIL} ` });
    expect(stdout).toContain(`Spread 90 minutes: times for lead ${leadIdFor(EMAIL)} (${EMAIL}).`);
    expect(stdout).toMatch(/spread 09:00–10:30: \+\d+m \d\ds for this lead/);
  });

  it('gives the same times for --email and for the lead id it derives to', async () => {
    await previewCommand(file(), { start: START, email: EMAIL, json: true });
    const byEmail = stdout;
    stdout = '';
    await previewCommand(file(), { start: START, lead: 'ld_9a0b1c2d3e4f5a6b7c8d9e0f', json: true });
    const other = stdout;
    expect(byEmail).not.toBe(other);
    stdout = '';
    await previewCommand(file(), { start: START, lead: leadIdFor(EMAIL), json: true });
    expect(stdout).toBe(byEmail);
  });

  it('refuses both flags at once, a malformed lead id and an address that is none, saying what to pass', async () => {
    await expect(previewCommand(file(), { email: EMAIL, lead: 'ld_x' })).rejects.toThrow(UsageError);
    await expect(previewCommand(file(), { lead: 'ana' })).rejects.toThrow(
      /is not a lead id; use the "ld_" id/,
    );
    await expect(previewCommand(file(), { email: 'ana' })).rejects.toThrow(
      /is not an email address; use e.g./,
    );
  });
});
