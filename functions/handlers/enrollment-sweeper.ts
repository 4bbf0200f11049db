import * as z from '../core/zod.ts';
import { type AutoPromoteDeps, type AutoPromoteResult, promoteWinners } from '../domain/auto-promote.ts';
import { type SweepDeps, type SweepResult, sweepEnrollments } from '../domain/enrollment-retry.ts';
import { InvalidPayload } from '../domain/errors.ts';
import { type SlaDeps, type SlaSweepResult, sweepSla } from '../domain/sla.ts';
import { type ClaimSweepResult, STALE_CLAIM_MS, sweepStaleClaims } from '../domain/unconfirmed-touches.ts';

/*
 * Every 5 minutes (an EventBridge schedule; the local runtime's clock): starts the enrollments whose start failed,
 * with backoff, and gives up on those that cannot start (EnrollmentsStuck, an alarm); then gives up the touch claims
 * that never finished, as unconfirmed (TouchesUnconfirmed, an alarm), for a person to redrive; then records the
 * promotions autoPromote's tests call for (docs/architecture.md §2.4).
 */

/** EventBridge's scheduled event, or `{}` from the local runtime: nothing in it is needed. */
const ScheduledEventSchema = z.looseObject({
  'detail-type': z.optional(z.literal('Scheduled Event')),
  // The every-minute rule of the SLA sweep (lib/enrollment-sweeper.ts) sends this as its input.
  sweep: z.optional(z.literal('sla')),
});

/** Some markers could not be handled (the table, say): they stay due and the next sweep tries them again. */
export class SweepIncomplete extends Error {
  override readonly name = 'SweepIncomplete';
}

export interface EnrollmentSweeperDeps extends SweepDeps {
  /** With `owners`: the reps' SLA deadlines, swept every minute. */
  readonly sla?: SlaDeps;
  readonly clock?: () => Date;
  /** How old an unfinished claim must be to be given up (default STALE_CLAIM_MS; scaled with a faster clock). */
  readonly staleClaimMs?: number;
  /** autoPromote's job (docs/architecture.md §2.4); absent, no step is promoted. */
  readonly promotion?: Pick<AutoPromoteDeps, 'aggregates' | 'promotions'>;
}

export interface SweeperResult extends SweepResult {
  readonly claims: ClaimSweepResult;
  readonly promotion?: AutoPromoteResult;
}

export function makeEnrollmentSweeperHandler(deps: EnrollmentSweeperDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async (event: unknown): Promise<SweeperResult | SlaSweepResult | undefined> => {
    const parsed = ScheduledEventSchema.safeParse(event);
    if (!parsed.success) throw new InvalidPayload(`sweeper event: ${z.prettifyError(parsed.error)}`);
    const now = clock();
    if (parsed.data.sweep === 'sla') {
      if (!deps.sla) return undefined;
      const sla = await sweepSla(deps.sla, now);
      if (sla.due > 0) deps.logger.info('sla-swept', { ...sla });
      if (sla.errors > 0)
        throw new SweepIncomplete(`${sla.errors} of ${sla.due} due SLA deadlines not handled`);
      return sla;
    }
    const result = await sweepEnrollments(deps, now);
    if (result.due > 0) deps.logger.info('enrollments-swept', { ...result });
    const claims = await sweepStaleClaims(deps, now, deps.staleClaimMs ?? STALE_CLAIM_MS);
    if (claims.stale > 0) deps.logger.info('claims-swept', { ...claims });
    // The same schedule looks for winners to promote: a failed look is the next sweep's to repeat.
    let promotion: AutoPromoteResult | undefined;
    let promotionFailed = false;
    if (deps.promotion) {
      try {
        promotion = await promoteWinners(
          { ...deps.promotion, cadences: deps.cadences, logger: deps.logger },
          now,
        );
      } catch (error) {
        promotionFailed = true;
        deps.logger.error('promotion-failed', { error: (error as Error | undefined)?.name ?? 'Error' });
      }
    }
    // Failing the invocation makes the function's Errors alarm see it.
    if (result.errors > 0 || claims.errors > 0 || promotionFailed) {
      throw new SweepIncomplete(
        `${result.errors} of ${result.due} due enrollments could not be retried, ${claims.errors} of ${claims.stale} old claims not looked at${promotionFailed ? ', the promotions not looked at' : ''}`,
      );
    }
    return { ...result, claims, ...(promotion ? { promotion } : {}) };
  };
}
