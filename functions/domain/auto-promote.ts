import type { Cadence, Step } from '../core/cadence-schema.ts';
import { variantSet } from '../core/variant.ts';
import { decidePromotion, promotableSteps } from '../core/variant-promotion.ts';
import type { CadenceCatalog, Logger } from './ports.ts';
import type { Promotion, PromotionStore } from './promotion-ports.ts';
import type { Aggregates } from './report-ports.ts';

/*
 * The job behind `"autoPromote": true` (docs/architecture.md §2.4), run by each sweep: for every step a cadence lets
 * it promote and that has no promotion yet, it reads the counters the report reads (cadences × months, never leads),
 * makes the report's decision with a minimum sample, and records the winner once. A second run, or a later change of
 * the odds, changes nothing: the record is written only where there is none.
 */

export interface AutoPromoteDeps {
  readonly cadences: CadenceCatalog;
  readonly aggregates: Pick<Aggregates, 'read'>;
  readonly promotions: PromotionStore;
  readonly logger: Logger;
  /** Sends each variant needs first (default PROMOTE_MIN_SENT). */
  readonly minSent?: number;
}

export interface AutoPromoteResult {
  /** Steps still open to a promotion: an autoPromote cadence's steps with variants and no record. */
  readonly open: number;
  readonly promoted: readonly Pick<Promotion, 'cadenceId' | 'stepId' | 'variant'>[];
}

/** Looks at every open step once and records the promotions the counters now call for. */
export async function promoteWinners(deps: AutoPromoteDeps, now: Date): Promise<AutoPromoteResult> {
  const loaded = await Promise.all((await deps.cadences.ids()).map((id) => deps.cadences.get(id)));
  const candidates = loaded
    .filter((c): c is Cadence => c !== undefined)
    .flatMap((cadence) => promotableSteps(cadence).map((step) => ({ cadence, step })));
  const open: { cadence: Cadence; step: Step }[] = [];
  for (const candidate of candidates) {
    const { cadence, step } = candidate;
    if (!(await deps.promotions.promotion(cadence.id, step.id, variantSet(step)))) open.push(candidate);
  }
  if (open.length === 0) return { open: 0, promoted: [] };

  const rows = await deps.aggregates.read({ cadenceIds: [...new Set(open.map((o) => o.cadence.id))] });
  const promoted: AutoPromoteResult['promoted'][number][] = [];
  for (const { cadence, step } of open) {
    const decision = decidePromotion(cadence, step, rows, deps.minSent);
    if (!decision) continue;
    const promotion: Promotion = { ...decision, at: now.toISOString() };
    // Lost to a concurrent run, or recorded since the read above: that record stands.
    if (!(await deps.promotions.record(promotion))) continue;
    // Counts only: no lead is named, so nothing personal is logged (docs/architecture.md §8.10).
    deps.logger.info('variant-promoted', {
      cadence: promotion.cadenceId,
      step: promotion.stepId,
      variants: promotion.variants,
      variant: promotion.variant,
      decideOn: promotion.decideOn,
      probabilityBest: promotion.probabilityBest,
      sent: promotion.sent,
      at: promotion.at,
    });
    promoted.push({ cadenceId: promotion.cadenceId, stepId: promotion.stepId, variant: promotion.variant });
  }
  return { open: open.length - promoted.length, promoted };
}
