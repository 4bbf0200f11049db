import { join } from 'node:path';
import { loadCadencesSync } from '../functions/adapters/cadence-files.ts';
import { loadConfig } from '../functions/adapters/config-file.ts';
import { type QuotaRun, type QuotaSimulationResult, simulateQuotas } from '../local/quota-sim/index.ts';
import type { Budget, Measured } from './budget.ts';

/*
 * `followup simulate --leads 100000 --aws-quotas` on web-inquiry, seed 7 (issue #15, docs/architecture.md §9): failed
 * executions and duplicate sends with the sending governor and a spread (budget 0 each), and p95 lateness with vs
 * without the spread, as a ratio. The run is deterministic: only its seconds depend on the machine.
 */

const ROOT = new URL('..', import.meta.url).pathname;
const LEADS = 100_000;
const DAY = new Date('2026-07-06T00:00:00Z');

export interface QuotaFigures {
  readonly leads: number;
  readonly seconds: number;
  readonly runs: QuotaSimulationResult['runs'];
}

const find = (runs: readonly QuotaRun[], world: QuotaRun['world'], spread: boolean) =>
  runs.find((r) => r.world === world && (r.spread !== null) === spread) as QuotaRun;

export function measureQuotas(): Measured<QuotaFigures> {
  const cadences = loadCadencesSync(join(ROOT, 'cadences'));
  const cadence = cadences.find((c) => c.id === 'web-inquiry');
  if (!cadence) throw new Error('cadences/web-inquiry.json is missing');
  // The shipped config's own rows: a default deployment must be governed (#15).
  const shipped = loadConfig(join(ROOT, 'followup.config.json'), new Set(cadences.map((c) => c.id)));
  const started = performance.now();
  const result = simulateQuotas({ cadence, leads: LEADS, seed: 7, day: DAY });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const spread = find(result.runs, 'with governor', true);
  const plain = find(result.runs, 'with governor', false);
  const ratio = plain.lateness.p95Seconds > 0 ? spread.lateness.p95Seconds / plain.lateness.p95Seconds : 1;
  const own = find(result.runs, shipped.sending ? 'with governor' : 'without governor', false);
  const budgets: Budget[] = [
    {
      budget:
        '100,000-lead quota simulation: the shipped followup.config.json is governed and fails 0 executions (no spread)',
      pass: Boolean(shipped.sending) && own.failedExecutions === 0 && own.duplicateSends === 0,
      figure: `${shipped.sending ? 'governed' : 'ungoverned'}: ${own.failedExecutions} failed, ${own.duplicateSends} duplicates`,
    },
    {
      budget: '100,000-lead quota simulation: 0 failed executions (governor, spread)',
      pass: spread.failedExecutions === 0,
      figure: `${spread.failedExecutions} (without the spread: ${plain.failedExecutions}; ${seconds} s)`,
    },
    {
      budget: '100,000-lead quota simulation: 0 duplicate sends',
      pass: result.runs.every((r) => r.duplicateSends === 0),
      figure: result.runs.map((r) => r.duplicateSends).join(' / '),
    },
    {
      budget: '100,000-lead quota simulation: p95 lateness with spread ≤ without',
      pass: spread.lateness.p95Seconds <= plain.lateness.p95Seconds,
      figure: `${spread.lateness.p95Seconds} s vs ${plain.lateness.p95Seconds} s (${ratio.toFixed(2)}×)`,
    },
  ];
  return { figures: { leads: LEADS, seconds, runs: result.runs }, budgets };
}

// `npx tsx bench/quotas.ts`: this measure alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { figures, budgets } = measureQuotas();
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  for (const b of budgets) process.stdout.write(`${b.pass ? 'PASS' : 'FAIL'} ${b.budget}: ${b.figure}\n`);
}
