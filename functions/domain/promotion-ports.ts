import type { PromotionDecision } from '../core/variant-promotion.ts';

/*
 * Where `"autoPromote": true` keeps what it decided (docs/architecture.md §2.4): one record per cadence × step × test
 * (the step's variant ids, variant.ts variantSet), so editing a step's variants starts a new test.
 */

/** A step's winner, promoted by the job once and for good: every touch of the step sends it from then on. */
export interface Promotion extends PromotionDecision {
  /** When the job decided. */
  readonly at: string;
}

/** The promotions' records: written once each (a conditional write), never changed, never removed by the engine. */
export interface PromotionStore {
  /** The promotion of the step's test `variants` ("a+b"), if one was recorded. */
  promotion(cadenceId: string, stepId: string, variants: string): Promise<Promotion | undefined>;
  /** Records `promotion` unless its test has one already: false then, and the record stays as it was. */
  record(promotion: Promotion): Promise<boolean>;
  /** Every promotion of the cadence, by step id, old tests' included. */
  promotions(cadenceId: string): Promise<Promotion[]>;
}

/** What the Touch asks before it picks a step's variant: the promotion in force at `now`. */
export interface PromotionLookup {
  promoted(cadenceId: string, stepId: string, variants: string, now: Date): Promise<Promotion | undefined>;
}
