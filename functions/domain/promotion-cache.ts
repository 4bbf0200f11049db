import type { Promotion, PromotionLookup, PromotionStore } from './promotion-ports.ts';

/*
 * The Touch's view of the promotions (docs/architecture.md §2.4): one read per cadence × step per PROMOTION_CACHE_MS
 * per function instance, the answer "none" cached too, so a step with variants costs a GetItem every few minutes, not
 * one per send.
 */

/**
 * The job runs every 5 minutes, so a promotion reaches every warm instance within about 10 minutes of the decision.
 * A record never changes once written, so the only cost of the wait is a few more leads on the weighted split, which
 * the test has already judged.
 */
export const PROMOTION_CACHE_MS = 5 * 60_000;

export class CachedPromotions implements PromotionLookup {
  private readonly answers = new Map<
    string,
    { readonly at: number; readonly answer: Promise<Promotion | undefined> }
  >();

  constructor(
    private readonly store: Pick<PromotionStore, 'promotion'>,
    private readonly ttlMs: number = PROMOTION_CACHE_MS,
  ) {}

  promoted(cadenceId: string, stepId: string, variants: string, now: Date): Promise<Promotion | undefined> {
    const key = `${cadenceId}\u0000${stepId}\u0000${variants}`;
    const at = now.getTime();
    const cached = this.answers.get(key);
    // Either way out of the window: the local runtime's `now` is each touch's due instant, which may be earlier.
    if (cached && Math.abs(at - cached.at) < this.ttlMs) return cached.answer;
    const answer = this.store.promotion(cadenceId, stepId, variants);
    this.answers.set(key, { at, answer });
    // A failed read is not kept: the touch fails before it claims (the state machine retries) and the next one asks.
    answer.catch(() => {
      if (this.answers.get(key)?.answer === answer) this.answers.delete(key);
    });
    return answer;
  }
}
