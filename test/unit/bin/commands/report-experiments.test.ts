import { describe, expect, it } from 'vitest';
import {
  experimentLines,
  powerLines,
  simulatedExperimentLines,
} from '../../../../bin/commands/report-experiments.ts';
import { buildReport } from '../../../../functions/core/report.ts';

/* The experiment sections of `followup report` and `followup simulate`, in words. */

const REPORT = buildReport(
  [
    {
      cadenceId: 'ab',
      month: '2026-03',
      slot: 'variant',
      owner: 'first/a',
      counts: { sent: 1600, positiveReplies: 80 },
    },
    {
      cadenceId: 'ab',
      month: '2026-03',
      slot: 'variant',
      owner: 'first/b',
      counts: { sent: 1600, positiveReplies: 144 },
    },
    {
      cadenceId: 'ab',
      month: '2026-03',
      slot: 'holdout',
      counts: {
        heldOut: 800,
        heldOutWon: 40,
        heldOutRevenue: 40000,
        treated: 3200,
        treatedWon: 320,
        treatedRevenue: 384500.5,
      },
    },
  ],
  { experiments: () => ({ autoPromote: true }) },
);

describe('experimentLines', () => {
  it('names the winner and that autoPromote will switch to it, and says whether the lift excludes none', () => {
    // Act
    const text = experimentLines(REPORT).join('\n');
    // Assess
    expect(text).toContain('Winner: ab · first · b');
    expect(text).toContain('autoPromote is on: the engine switches the step to it by itself');
    expect(text).toMatch(/Lift: \+5\.0 pts .*: the follow-up causes conversions\./);
  });

  it('prints each arm’s revenue as the report prints amounts (grouped), not as a raw number', () => {
    // Act
    const text = experimentLines(REPORT).join('\n');
    // Assess
    expect(text).toMatch(/treated\s+3200\s+320\s+10\.0%\s+384,500\.5/);
    expect(text).toMatch(/held out\s+800\s+40\s+5\.0%\s+40,000/);
  });

  it('prints nothing for a report without experiments', () => {
    // Assess
    expect(experimentLines(buildReport([]))).toEqual([]);
  });
});

describe('powerLines and simulatedExperimentLines', () => {
  it('give the leads a two-proportion test needs per variant and, with a holdout, enrolled in all', () => {
    // Act
    const text = simulatedExperimentLines(REPORT, {
      variantEffect: { b: 0.05 },
      lift: 0.05,
      holdout: 0.2,
    }).join('\n');
    // Assess
    expect(text).toContain('alpha 0.05, power 0.8): 435 leads per variant');
    expect(text).toContain('the held-out arm needs 435 leads: 2,175 enrolled in all');
    expect(powerLines(null, 0.05)).toEqual([]);
  });
});
