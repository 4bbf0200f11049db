import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCadencesSync } from '../../functions/adapters/cadence-files.ts';
import type { Report } from '../../functions/core/report.ts';
import { leadsPerArm } from '../../functions/core/stats.ts';
import { type ExperimentRules, experimentRulesOf } from '../../functions/core/variant-report.ts';
import { money, table } from '../output.ts';

/*
 * The experiments' part of `followup report` and `followup simulate` (docs/architecture.md §5.3): each step
 * variant with its interval and P(best), the winners and what `autoPromote` would promote, the holdout's lift, and
 * how many leads a test needs.
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

/** Each cadence's `decideOn` and `autoPromote`, read from the project's cadences/ folder (none: the defaults). */
export function experimentRulesIn(
  root: string = process.cwd(),
): (cadence: string) => ExperimentRules | undefined {
  return experimentRulesOf(cadencesIn(join(root, 'cadences')));
}

/** The report's experiment sections; none for a report without variants or a holdout. */
export function experimentLines(report: Report): string[] {
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
      lines.push(
        '',
        `Winner: ${w.cadence} · ${w.step} · ${w.variant} (best on ${w.decideOn} with probability ${(w.probabilityBest * 100).toFixed(1)}%).`,
        w.promote
          ? `  autoPromote is on: promote it with \`followup cadence promote ${w.cadence} ${w.step} ${w.variant}\` (nothing switches by itself).`
          : `  To make it the step's template: followup cadence promote ${w.cadence} ${w.step} ${w.variant}`,
      );
    }
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
