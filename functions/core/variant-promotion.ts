import { type Cadence, DEFAULT_DECIDE_ON, type DecideOn, type Step } from './cadence-schema.ts';
import { WINNER_PROBABILITY } from './stats.ts';
import { variantSet } from './variant.ts';
import { type ExperimentRow, variantFigures } from './variant-report.ts';

/*
 * `"autoPromote": true` (docs/architecture.md §2.4): the decision the periodic job makes for each step with variants,
 * the report's own (P(best) ≥ 0.95 on the cadence's `decideOn`, variant-report.ts and stats.ts) with a minimum
 * sample. Pure: the counters and the cadence come in.
 */

/**
 * Sends each variant needs before a test may promote: the job looks every sweep, and a posterior looked at that often
 * crowns early flukes. Measured (200 seeded tests, two arms at 5% against 6% or 7.5%, a look every 10 sends per arm
 * up to 2,000): the worse arm was promoted in 15% and 5.5% of tests with no minimum, 7% and 0.5% from 200 sends, 4.5%
 * and 0% from 400, at 485 against 621 sends a variant when a 2.5-point winner is promoted (docs/architecture.md §2.4).
 */
export const PROMOTE_MIN_SENT = 200;

export interface PromotionDecision {
  readonly cadenceId: string;
  readonly stepId: string;
  /** The test decided: the step's variant ids when it was (variant.ts variantSet), e.g. "a+b". */
  readonly variants: string;
  readonly variant: string;
  readonly decideOn: DecideOn;
  readonly probabilityBest: number;
  /** Each variant's sends when it was decided. */
  readonly sent: Readonly<Record<string, number>>;
}

/** The steps a cadence lets the job promote: with `autoPromote`, those with two variants or more. */
export function promotableSteps(cadence: Pick<Cadence, 'autoPromote' | 'steps'>): Step[] {
  return cadence.autoPromote === true
    ? cadence.steps.filter((step) => (step.variants?.length ?? 0) >= 2)
    : [];
}

/**
 * The promotion `rows` call for on `step`, judged among the variants the cadence has now (counters of a variant the
 * file dropped do not compete); undefined until every variant was sent `minSent` times and one is best with
 * probability ≥ 0.95.
 */
export function decidePromotion(
  cadence: Pick<Cadence, 'id' | 'decideOn'>,
  step: Pick<Step, 'id' | 'variants'>,
  rows: readonly ExperimentRow[],
  minSent: number = PROMOTE_MIN_SENT,
): PromotionDecision | undefined {
  const ids = new Set((step.variants ?? []).map((v) => v.id));
  if (ids.size < 2) return undefined;
  const prefix = `${step.id}/`;
  const own = rows.filter(
    (row) =>
      row.cadenceId === cadence.id &&
      row.slot === 'variant' &&
      row.owner?.startsWith(prefix) === true &&
      ids.has(row.owner.slice(prefix.length)),
  );
  const decideOn = cadence.decideOn ?? DEFAULT_DECIDE_ON;
  const figures = variantFigures(own, () => ({ decideOn }));
  if (figures.length < ids.size || figures.some((f) => f.sent < minSent)) return undefined;
  const best = figures.find((f) => f.probabilityBest >= WINNER_PROBABILITY);
  if (!best) return undefined;
  return {
    cadenceId: cadence.id,
    stepId: step.id,
    variants: variantSet(step),
    variant: best.variant,
    decideOn,
    probabilityBest: best.probabilityBest,
    sent: Object.fromEntries(figures.map((f) => [f.variant, f.sent])),
  };
}
