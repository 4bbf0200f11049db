import { createHash } from 'node:crypto';
import type { Cadence, Step, StepVariant } from './cadence-schema.ts';

/*
 * Which variant of a step a lead gets, and whether a lead is in a cadence's holdout (docs/architecture.md §2.1).
 * Both are fixed by the lead's id: SHA-256 of the ids, as the schedule's spread is (schedule.ts's spreadFraction),
 * so every retry, restart, engine, report and preview agrees without storing a draw.
 */

/** A fraction in [0, 1) from SHA-256 of the parts, joined so "a"+"bc" and "ab"+"c" differ. */
export function idFraction(...parts: readonly string[]): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUIntBE(0, 6) / 2 ** 48;
}

/** The variant of `step` the lead gets: weighted by `weight`, fixed by lead, cadence and step id. */
export function pickVariant(
  variants: readonly StepVariant[],
  leadId: string,
  cadenceId: string,
  stepId: string,
): StepVariant | undefined {
  const total = variants.reduce((sum, v) => sum + Math.max(0, v.weight ?? 1), 0);
  if (variants.length === 0 || total <= 0) return variants[0];
  let point = idFraction(leadId, cadenceId, stepId) * total;
  for (const variant of variants) {
    point -= Math.max(0, variant.weight ?? 1);
    if (point < 0) return variant;
  }
  return variants.at(-1);
}

/**
 * What a lead's touch of `step` sends: its variant's template, or the step's own. `promoted` (autoPromote's record,
 * §2.4) wins over the weighted pick while the step still has a variant of that id; otherwise it is ignored.
 */
export function stepChoice(
  step: Step,
  leadId: string,
  cadenceId: string,
  promoted?: string,
): { template: string; variant?: string } {
  const variant = step.variants
    ? (step.variants.find((v) => v.id === promoted) ?? pickVariant(step.variants, leadId, cadenceId, step.id))
    : undefined;
  return variant ? { template: variant.template, variant: variant.id } : { template: step.template };
}

/**
 * The test a step's variants make, "a+b": the ids sorted. A promotion is of one test: a step whose variants change is a
 * new test, and an old test's promotion no longer applies to it (docs/architecture.md §2.4).
 */
export function variantSet(step: Pick<Step, 'variants'>): string {
  return (step.variants ?? [])
    .map((v) => v.id)
    .sort()
    .join('+');
}

/** Every template a step may send: each variant's, or its own. */
export function stepTemplates(step: Pick<Step, 'template' | 'variants'>): string[] {
  return step.variants ? [...new Set(step.variants.map((v) => v.template))] : [step.template];
}

/** Whether the lead is in the cadence's control group: never sent to, counted against the treated leads. */
export function isHeldOut(cadence: Pick<Cadence, 'id' | 'holdout'>, leadId: string): boolean {
  const share = cadence.holdout ?? 0;
  return share > 0 && idFraction(leadId, cadence.id, 'holdout') < share;
}
