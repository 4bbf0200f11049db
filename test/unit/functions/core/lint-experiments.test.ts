import { describe, expect, it } from 'vitest';
import { parseCadence } from '../../../../functions/core/cadence.ts';
import type { Cadence } from '../../../../functions/core/cadence-schema.ts';
import { lintCadence } from '../../../../functions/core/lint.ts';

/* Lint's experiment advice, each rule in both directions. */

function cadence(fields: Record<string, unknown>, weights: number[] = [1, 1]): Cadence {
  const result = parseCadence({
    id: 'ab',
    name: 'A/B',
    ...fields,
    steps: [
      {
        id: 'first',
        day: 1,
        channel: 'email',
        variants: weights.map((weight, i) => ({ id: `v${i}`, template: 'hello', weight })),
      },
    ],
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.cadence;
}

const rules = (c: Cadence) => lintCadence(c).map((f) => `${f.path}: ${f.rule}`);

describe('lintCadence on experiments', () => {
  it('warns when a step’s variant weights add up to 0, and not when one has weight', () => {
    // Assess
    expect(rules(cadence({}, [0, 0]))).toEqual(['steps[0].variants: variant-weights-zero']);
    expect(rules(cadence({}, [0, 1]))).toEqual([]);
  });

  it('warns on a holdout over 0.5, and not on one of 0.5 or less', () => {
    // Assess
    expect(rules(cadence({ holdout: 0.6 }))).toEqual(['holdout: holdout-range']);
    expect(rules(cadence({ holdout: 0.5 }))).toEqual([]);
    expect(rules(cadence({ holdout: 0 }))).toEqual([]);
  });
});
