import { type Cadence, DEFAULT_DECIDE_ON, type DecideOn } from './cadence-schema.ts';
import { differenceInterval, probabilityBest, WINNER_PROBABILITY, wilson } from './stats.ts';

/*
 * The experiments' part of the report (docs/architecture.md §5.3): each step variant's counts with its rate's 95%
 * interval and its probability of being best on the cadence's decision metric, and each holdout's lift. The tests
 * and why they were chosen are in stats.ts.
 */

/** The part of an aggregate row (report.ts) these figures read; declared here so report.ts can import this file. */
export interface ExperimentRow {
  readonly cadenceId: string;
  readonly slot: number | string;
  readonly owner?: string;
  readonly counts: Readonly<Partial<Record<string, number>>>;
}

export interface VariantFigures {
  readonly cadence: string;
  readonly step: string;
  readonly variant: string;
  readonly sent: number;
  readonly replies: number;
  readonly positiveReplies: number;
  readonly meetings: number;
  readonly wins: number;
  /** What the rate is of: the cadence's `decideOn`. */
  readonly decideOn: DecideOn;
  /** decideOn / sent, null before anything was sent; its Wilson 95% interval. */
  readonly rate: number | null;
  readonly rateLow: number;
  readonly rateHigh: number;
  /** P(this variant's rate is the step's highest), beta-binomial posteriors, seeded Monte Carlo. */
  readonly probabilityBest: number;
}

export interface StepWinner {
  readonly cadence: string;
  readonly step: string;
  readonly variant: string;
  readonly decideOn: DecideOn;
  readonly probabilityBest: number;
  /** The cadence says `autoPromote`: the report names the promotion; `followup cadence promote` makes it. */
  readonly promote: boolean;
}

export interface HoldoutFigures {
  readonly leads: number;
  readonly conversions: number;
  readonly revenue: number;
  readonly treatedLeads: number;
  readonly treatedConversions: number;
  readonly treatedRevenue: number;
  /** Treated minus held-out conversion rate, with Newcombe's 95% interval; null until both arms have leads. */
  readonly lift: number | null;
  readonly liftLow: number | null;
  readonly liftHigh: number | null;
}

export interface ExperimentRules {
  readonly decideOn?: DecideOn;
  readonly autoPromote?: boolean;
}

/** Each cadence's `decideOn` and `autoPromote`, from the cadences as loaded; a cadence not among them: the defaults. */
export function experimentRulesOf(
  cadences: readonly Pick<Cadence, 'id' | 'decideOn' | 'autoPromote'>[],
): (cadence: string) => ExperimentRules | undefined {
  const rules = new Map<string, ExperimentRules>();
  for (const c of cadences) {
    rules.set(c.id, {
      ...(c.decideOn ? { decideOn: c.decideOn } : {}),
      ...(c.autoPromote ? { autoPromote: c.autoPromote } : {}),
    });
  }
  return (cadence) => rules.get(cadence);
}

const METRIC = { positiveReplies: 'positiveReplies', meetings: 'meetings', wins: 'won' } as const;

/** Each step variant's figures (rows of the `variant` slot), in cadence, step and variant order. */
export function variantFigures(
  rows: readonly ExperimentRow[],
  rules: (cadence: string) => ExperimentRules | undefined,
): VariantFigures[] {
  const totals = new Map<
    string,
    { cadence: string; step: string; variant: string; c: Record<string, number> }
  >();
  for (const row of rows) {
    if (row.slot !== 'variant' || !row.owner) continue;
    const cut = row.owner.lastIndexOf('/');
    const key = `${row.cadenceId}\u0000${row.owner}`;
    const entry = totals.get(key) ?? {
      cadence: row.cadenceId,
      step: row.owner.slice(0, cut),
      variant: row.owner.slice(cut + 1),
      c: {},
    };
    for (const [counter, value] of Object.entries(row.counts))
      entry.c[counter] = (entry.c[counter] ?? 0) + (value ?? 0);
    totals.set(key, entry);
  }
  const sorted = [...totals.values()].sort(
    (a, b) =>
      a.cadence.localeCompare(b.cadence) ||
      a.step.localeCompare(b.step) ||
      a.variant.localeCompare(b.variant),
  );
  const out: VariantFigures[] = [];
  for (let i = 0; i < sorted.length; ) {
    const first = sorted[i] as (typeof sorted)[number];
    const group = sorted.filter((e) => e.cadence === first.cadence && e.step === first.step);
    const decideOn = rules(first.cadence)?.decideOn ?? DEFAULT_DECIDE_ON;
    const arms = group.map((e) => ({ successes: e.c[METRIC[decideOn]] ?? 0, trials: e.c.sent ?? 0 }));
    const best = probabilityBest(arms);
    group.forEach((e, k) => {
      const arm = arms[k] as { successes: number; trials: number };
      const interval = wilson(arm.successes, arm.trials);
      out.push({
        cadence: e.cadence,
        step: e.step,
        variant: e.variant,
        sent: e.c.sent ?? 0,
        replies: e.c.replies ?? 0,
        positiveReplies: e.c.positiveReplies ?? 0,
        meetings: e.c.meetings ?? 0,
        wins: e.c.won ?? 0,
        decideOn,
        rate: arm.trials > 0 ? arm.successes / arm.trials : null,
        rateLow: interval.low,
        rateHigh: interval.high,
        probabilityBest: best[k] ?? 0,
      });
    });
    i += group.length;
  }
  return out;
}

/** The variants declared better: P(best) ≥ 0.95 on the decision metric, one per step at most. */
export function winners(
  figures: readonly VariantFigures[],
  rules: (cadence: string) => ExperimentRules | undefined,
): StepWinner[] {
  return figures
    .filter((f) => f.probabilityBest >= WINNER_PROBABILITY)
    .map((f) => ({
      cadence: f.cadence,
      step: f.step,
      variant: f.variant,
      decideOn: f.decideOn,
      probabilityBest: f.probabilityBest,
      promote: rules(f.cadence)?.autoPromote === true,
    }));
}

/** The holdout's figures of `rows` (the `holdout` slot, summed), undefined when there are none. */
export function holdoutFigures(rows: readonly ExperimentRow[]): HoldoutFigures | undefined {
  const held = rows.filter((row) => row.slot === 'holdout');
  if (held.length === 0) return undefined;
  const sum = (counter: string) => held.reduce((total, row) => total + (row.counts[counter] ?? 0), 0);
  const leads = sum('heldOut');
  const conversions = sum('heldOutWon');
  const treatedLeads = sum('treated');
  const treatedConversions = sum('treatedWon');
  const interval = differenceInterval(treatedConversions, treatedLeads, conversions, leads);
  return {
    leads,
    conversions,
    revenue: sum('heldOutRevenue'),
    treatedLeads,
    treatedConversions,
    treatedRevenue: sum('treatedRevenue'),
    lift: interval ? treatedConversions / treatedLeads - conversions / leads : null,
    liftLow: interval?.low ?? null,
    liftHigh: interval?.high ?? null,
  };
}
