import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSimulateOptions } from '../../bin/commands/simulate-options.ts';
import { type SimulationResult, simulate } from '../../local/simulate/index.ts';

/*
 * #16's done-when: 4,000 simulated leads on a cadence whose first step has two variants (b answers 4 points more
 * often) and a 20% holdout (treated leads convert 5 points more): the split follows the weights, b is named the
 * winner, and the lift's interval holds the true effect.
 */

const ROOT = new URL('../..', import.meta.url).pathname;
const FIXTURE = new URL('../fixtures/cadences/proposal-variants.json', import.meta.url);
const LEADS = 4000;
const TRUE_LIFT = 0.05;
// 4,000 leads through the whole engine on a shared machine.
const RUN_TIMEOUT = 600_000;

/** A project folder with the shipped cadences and templates, the fixture cadence, and a form allowed to start it. */
function projectWithFixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'followup-experiments-'));
  for (const entry of ['cadences', 'templates', 'followup.config.json']) {
    cpSync(join(ROOT, entry), join(root, entry), { recursive: true });
  }
  cpSync(FIXTURE, join(root, 'cadences', 'proposal-variants.json'));
  const configFile = join(root, 'followup.config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as { formCadences: string[] };
  writeFileSync(
    configFile,
    JSON.stringify({ ...config, formCadences: [...config.formCadences, 'proposal-variants'] }),
  );
  return root;
}

describe('simulate --variant-effect --lift on a cadence with variants and a holdout', () => {
  let result: SimulationResult;

  beforeAll(async () => {
    // Prepare
    const options = parseSimulateOptions(
      {
        cadence: 'proposal-variants',
        leads: String(LEADS),
        seed: '7',
        start: '2026-07-06T09:00:00Z',
        variantEffect: 'b=+0.04',
        lift: String(TRUE_LIFT),
      },
      new Date('2026-07-01T00:00:00Z'),
    );
    // Act
    result = await simulate({ ...options, root: projectWithFixture() });
  }, RUN_TIMEOUT);

  it('splits the first step between a and b within 3 points of their equal weights', () => {
    // Assess
    const variants = (result.report.byVariant ?? []).filter((v) => v.step === 'proposal');
    expect(variants.map((v) => v.variant)).toEqual(['a', 'b']);
    const sent = variants.reduce((sum, v) => sum + v.sent, 0);
    for (const v of variants) expect(Math.abs(v.sent / sent - 0.5)).toBeLessThanOrEqual(0.03);
  });

  it('names b the winner on positive replies, and no variant of the plain step', () => {
    // Assess
    expect(result.report.winners).toEqual([
      expect.objectContaining({
        cadence: 'proposal-variants',
        step: 'proposal',
        variant: 'b',
        promote: false,
      }),
    ]);
    const b = result.report.byVariant?.find((v) => v.variant === 'b');
    expect(b?.probabilityBest).toBeGreaterThanOrEqual(0.95);
    expect(b?.rateLow).toBeLessThanOrEqual(b?.rate ?? -1);
    expect(b?.rateHigh).toBeGreaterThanOrEqual(b?.rate ?? 2);
  });

  it('holds out about a fifth of the leads and gives a lift interval that contains the true lift', () => {
    // Assess
    const holdout = result.report.holdout;
    expect(holdout).toBeDefined();
    if (!holdout) return;
    expect(holdout.leads + holdout.treatedLeads).toBe(LEADS);
    expect(Math.abs(holdout.leads / LEADS - 0.2)).toBeLessThanOrEqual(0.03);
    expect(holdout.liftLow).toBeLessThanOrEqual(TRUE_LIFT);
    expect(holdout.liftHigh).toBeGreaterThanOrEqual(TRUE_LIFT);
    // An interval that excludes 0: the follow-up caused conversions the held-out leads did not make.
    expect(holdout.liftLow).toBeGreaterThan(0);
  });

  it('never sends to a held-out lead', () => {
    // Assess
    const variants = result.report.byVariant ?? [];
    const holdout = result.report.holdout;
    const firstTouches = variants.reduce((sum, v) => sum + v.sent, 0);
    expect(firstTouches).toBe(holdout?.treatedLeads);
    expect(result.executions.failed).toBe(0);
  });
});
