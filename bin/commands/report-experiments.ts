import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCadencesSync } from '../../functions/adapters/cadence-files.ts';
import type { Cadence } from '../../functions/core/cadence-schema.ts';
import type { Report } from '../../functions/core/report.ts';
import { leadsPerArm } from '../../functions/core/stats.ts';
import { variantSet } from '../../functions/core/variant.ts';
import { PROMOTE_MIN_SENT, promotableSteps } from '../../functions/core/variant-promotion.ts';
import type { Promotion, PromotionStore } from '../../functions/domain/promotion-ports.ts';
import { money, table } from '../output.ts';

/*
 * The experiments' part of `followup report` and `followup simulate` (docs/architecture.md §5.3): each step
 * variant with its interval and P(best), the winners, what `autoPromote` promoted and when (§2.4), the holdout's
 * lift, and how many leads a test needs.
 */

const pct = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)}%`);
const points = (d: number | null) => (d === null ? '–' : `${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)} pts`);

/** A report reads counters: a cadence folder that does not load leaves the defaults, never an error. */
function cadencesIn(dir: string): ReturnType<typeof loadCadencesSync> {
  try {
    return existsSync(dir) ? loadCadencesSync(dir) : [];
  } catch {
    return [];
  }
}

/** The project's cadences, from its cadences/ folder: their experiments' rules and tests (none: the defaults). */
export const projectCadences = (root: string = process.cwd()): Cadence[] =>
  cadencesIn(join(root, 'cadences'));

/** The project's cadences whose steps autoPromote may switch: whose promotions a report reads. */
export function autoPromoteCadencesIn(root: string = process.cwd()): Cadence[] {
  return projectCadences(root).filter((c) => promotableSteps(c).length > 0);
}

/**
 * The promotions in force for `cadences` among the records the store holds: one Query per autoPromote cadence, and of
 * each step only its current test's (a step whose variants changed since is a new test, docs/architecture.md §2.4).
 */
export async function readPromotions(
  store: Pick<PromotionStore, 'promotions'>,
  cadences: readonly Pick<Cadence, 'id' | 'autoPromote' | 'steps'>[] = autoPromoteCadencesIn(),
): Promise<Promotion[]> {
  const current = new Set(
    cadences.flatMap((c) =>
      promotableSteps(c).map((step) => `${c.id}\u0000${step.id}\u0000${variantSet(step)}`),
    ),
  );
  // A cadence without autoPromote (or without variants) has no test in force: it is not queried.
  const asked = cadences.filter((c) => promotableSteps(c).length > 0);
  const found = await Promise.all(asked.map((c) => store.promotions(c.id)));
  return found.flat().filter((p) => current.has(`${p.cadenceId}\u0000${p.stepId}\u0000${p.variants}`));
}

const day = (at: string) => at.slice(0, 10);

/** "b promoted automatically on 2026-05-04, P(best) 97.1% on meetings (sent: a 310, b 305)". */
export function promotionLine(p: Promotion): string {
  const sent = Object.entries(p.sent)
    .map(([variant, n]) => `${variant} ${n.toLocaleString('en-US')}`)
    .join(', ');
  return `${p.variant} promoted automatically on ${day(p.at)}, P(best) ${(p.probabilityBest * 100).toFixed(1)}% on ${p.decideOn} (sent: ${sent})`;
}

/**
 * The report's experiment sections; none for a report without variants, a holdout or a promotion. `promotions`:
 * what autoPromote recorded (readPromotions), each named with its date.
 */
export function experimentLines(report: Report, promotions: readonly Promotion[] = []): string[] {
  const promotionOf = (cadence: string, step: string) =>
    promotions.find((p) => p.cadenceId === cadence && p.stepId === step);
  const lines: string[] = [];
  const variants = report.byVariant ?? [];
  if (variants.length > 0) {
    lines.push(
      '',
      'Step variants (rate: the decision metric per touch sent, with its 95% Wilson interval):',
      '',
    );
    lines.push(
      table([
        [
          'cadence',
          'step',
          'variant',
          'sent',
          'replies',
          'positive',
          'meetings',
          'wins',
          'rate',
          '95% interval',
          'P(best)',
        ],
        ...variants.map((v) => [
          v.cadence,
          v.step,
          v.variant,
          String(v.sent),
          String(v.replies),
          String(v.positiveReplies),
          String(v.meetings),
          String(v.wins),
          `${pct(v.rate)} (${v.decideOn})`,
          `${pct(v.rateLow)}–${pct(v.rateHigh)}`,
          `${(v.probabilityBest * 100).toFixed(1)}%`,
        ]),
      ]),
    );
    const winners = report.winners ?? [];
    if (winners.length === 0)
      lines.push('', 'No variant is better yet: none is best with probability ≥ 95%.');
    for (const w of winners) {
      const promoted = promotionOf(w.cadence, w.step);
      lines.push(
        '',
        `Winner: ${w.cadence} · ${w.step} · ${w.variant} (best on ${w.decideOn} with probability ${(w.probabilityBest * 100).toFixed(1)}%).`,
        promoted
          ? `  autoPromote: ${promotionLine(promoted)}; every touch of the step sends it since.`
          : w.promote
            ? `  autoPromote is on: the engine switches the step to it by itself once every variant was sent ${PROMOTE_MIN_SENT} times.`
            : `  To make it the step's template: followup cadence promote ${w.cadence} ${w.step} ${w.variant}`,
      );
    }
  }
  // A promotion stands however the odds move after it: list those the winners above do not name.
  const named = new Set((report.winners ?? []).map((w) => `${w.cadence}\u0000${w.step}`));
  const others = promotions.filter((p) => !named.has(`${p.cadenceId}\u0000${p.stepId}`));
  if (others.length > 0) {
    lines.push('', 'Promoted automatically (autoPromote):', '');
    for (const p of others) lines.push(`  ${p.cadenceId} · ${p.stepId}: ${promotionLine(p)}`);
  }
  const holdout = report.holdout;
  if (holdout) {
    const rate = (won: number, leads: number) => (leads > 0 ? won / leads : null);
    lines.push(
      '',
      'Holdout (held-out leads are enrolled and tracked, never sent to):',
      '',
      table([
        ['group', 'leads', 'conversions', 'rate', 'revenue'],
        [
          'treated',
          String(holdout.treatedLeads),
          String(holdout.treatedConversions),
          pct(rate(holdout.treatedConversions, holdout.treatedLeads)),
          money(holdout.treatedRevenue),
        ],
        [
          'held out',
          String(holdout.leads),
          String(holdout.conversions),
          pct(rate(holdout.conversions, holdout.leads)),
          money(holdout.revenue),
        ],
      ]),
      '',
      `Lift: ${points(holdout.lift)} (95% Newcombe interval ${points(holdout.liftLow)} to ${points(holdout.liftHigh)})` +
        (holdout.liftLow !== null && holdout.liftLow > 0
          ? ': the follow-up causes conversions.'
          : ': not yet distinguishable from none.'),
    );
  }
  return lines;
}

/**
 * How many leads a two-sided two-proportion test (alpha 0.05, power 0.8) needs to detect `effect` points over the
 * observed `base` rate: per variant, and in all for a holdout of `holdout` (its smaller arm sets the size).
 */
export function powerLines(base: number | null, effect: number, holdout?: number): string[] {
  if (base === null || effect === 0) return [];
  const perArm = leadsPerArm(base, effect);
  if (perArm === null) return [];
  const lines = [
    `To detect ${points(effect)} over a ${pct(base)} rate (two-proportion test, alpha 0.05, power 0.8): ` +
      `${perArm.toLocaleString('en-US')} leads per variant.`,
  ];
  if (holdout && holdout > 0 && holdout < 1) {
    lines.push(
      `With a ${pct(holdout)} holdout the held-out arm needs ${perArm.toLocaleString('en-US')} leads: ` +
        `${Math.ceil(perArm / holdout).toLocaleString('en-US')} enrolled in all.`,
    );
  }
  return lines;
}

/** What `--variant-effect` and `--lift` asked for: the effects a test should detect. */
export interface AskedEffects {
  readonly variantEffect?: Readonly<Record<string, number>>;
  readonly lift?: number;
  /** The simulated cadence's holdout share. */
  readonly holdout?: number;
}

/**
 * simulate's experiment lines: the report's sections, then the leads a test needs for each effect asked for (or,
 * without one, for the effect observed), each variant against its step's first and the treated against the held out.
 */
export function simulatedExperimentLines(report: Report, asked: AskedEffects = {}): string[] {
  const lines = experimentLines(report);
  const variants = report.byVariant ?? [];
  const steps = [...new Set(variants.map((v) => `${v.cadence}\u0000${v.step}`))];
  for (const key of steps) {
    const [control, ...others] = variants.filter((v) => `${v.cadence}\u0000${v.step}` === key);
    for (const other of others) {
      const effect = asked.variantEffect?.[other.variant] ?? (other.rate ?? 0) - (control?.rate ?? 0);
      const power = powerLines(control?.rate ?? null, effect);
      if (power.length > 0)
        lines.push('', `${other.step} · ${other.variant} against ${control?.variant}:`, ...power);
    }
  }
  const holdout = report.holdout;
  if (holdout && holdout.leads > 0) {
    const base = holdout.conversions / holdout.leads;
    const power = powerLines(base, asked.lift ?? holdout.lift ?? 0, asked.holdout);
    if (power.length > 0) lines.push('', 'Treated against held out:', ...power);
  }
  return lines;
}
