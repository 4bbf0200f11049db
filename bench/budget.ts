/** One PASS/FAIL line of `npm run bench` (docs/architecture.md §9). */
export interface Budget {
  readonly budget: string;
  readonly pass: boolean;
  readonly figure: string;
}

/** A bench module's result: its figures for results.json and its budget lines. */
export interface Measured<F> {
  readonly figures: F;
  readonly budgets: readonly Budget[];
}
