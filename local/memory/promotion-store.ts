import { CachedPromotions } from '../../functions/domain/promotion-cache.ts';
import type { Promotion, PromotionStore } from '../../functions/domain/promotion-ports.ts';
import { copyRecord } from './copy.ts';

/*
 * autoPromote's records in memory (docs/architecture.md §2.4), with DynamoPromotionStore's semantics: one per
 * cadence × step × test, written only where there is none, read back as a copy.
 */

export class MemoryPromotionStore implements PromotionStore {
  private readonly records = new Map<string, Promotion>();

  async promotion(cadenceId: string, stepId: string, variants: string): Promise<Promotion | undefined> {
    const found = this.records.get(`${cadenceId}\u0000${stepId}\u0000${variants}`);
    return found ? copyRecord(found) : undefined;
  }

  async record(promotion: Promotion): Promise<boolean> {
    const key = `${promotion.cadenceId}\u0000${promotion.stepId}\u0000${promotion.variants}`;
    if (this.records.has(key)) return false;
    this.records.set(key, copyRecord(promotion));
    return true;
  }

  async promotions(cadenceId: string): Promise<Promotion[]> {
    return [...this.records.values()]
      .filter((p) => p.cadenceId === cadenceId)
      .sort((a, b) => a.stepId.localeCompare(b.stepId) || a.variants.localeCompare(b.variants))
      .map(copyRecord);
  }
}

/** The Touch's lookup over a store in memory, cached as on Lambda so a simulation reads as the deployment would. */
export function memoryPromotions(store: MemoryPromotionStore = new MemoryPromotionStore()): CachedPromotions {
  return new CachedPromotions(store);
}
