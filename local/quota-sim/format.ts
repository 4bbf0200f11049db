import { table } from '../../bin/output.ts';
import type { QuotaRun, QuotaSimulationResult } from './index.ts';
import { QUOTA_SOURCES, type Quotas } from './quotas.ts';

/* What `followup simulate --aws-quotas` prints: one row per run, the quotas it assumed, and what the figures mean. */

const count = (n: number) => n.toLocaleString('en-US');

/** "0 s", "46 s", "16 min 14 s", "3 h 05 min". */
export function span(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

const throttles = (r: QuotaRun) =>
  r.throttles.ses + r.throttles.governor + r.throttles.lambda + r.throttles.startExecution;

const QUOTA_FLAGS: Readonly<Record<keyof Quotas, string>> = {
  sesRate: '--ses-rate',
  lambdaConcurrency: '--lambda-concurrency',
  startBurst: '--start-burst',
  startRate: '--start-rate',
  transitionBurst: '--transition-burst',
  transitionRate: '--transition-rate',
};

/** What the deployment's followup.config.json says of the governor, so the summary can name its own rows. */
export interface DeploymentSending {
  /** The `sending` block is there (not false): the "with governor" rows are this deployment's. */
  readonly governed: boolean;
  /** Its rate as written: a number, or "account". */
  readonly ratePerSecond?: number | 'account';
}

/** One line naming the deployment's rows: the governed ones with a `sending` block, else the ungoverned ones. */
export function deploymentLine(result: QuotaSimulationResult, deployment: DeploymentSending): string {
  const world = deployment.governed ? 'with governor' : 'without governor';
  const own = result.runs.find((r) => r.world === world && r.spread === null);
  const rate =
    deployment.ratePerSecond === 'account' || deployment.ratePerSecond === undefined
      ? `"account", modelled as --ses-rate ${count(result.quotas.sesRate)}`
      : `${deployment.ratePerSecond}/s`;
  const what = deployment.governed
    ? `governs sending (rate ${rate})`
    : 'does not govern sending ("sending" is false or absent)';
  return own
    ? `This deployment: followup.config.json ${what}, so its rows are "${world}"; without a spread: ${count(own.failedExecutions)} failed executions, ${count(own.duplicateSends)} duplicate sends.`
    : `This deployment: followup.config.json ${what}.`;
}

export function formatQuotaSummary(
  result: QuotaSimulationResult,
  seconds?: number,
  deployment?: DeploymentSending,
): string {
  const { runs } = result;
  const rows = runs.map((r) => [
    r.world,
    r.spread ?? 'none',
    count(r.failedExecutions),
    count(r.duplicateSends),
    `${count(r.throttlesAbsorbed)} of ${count(throttles(r))}`,
    span(r.lateness.p95Seconds),
    span(r.lateness.maxSeconds),
  ]);
  const lines = [
    `Simulated ${count(result.leads)} leads signing up on ${result.day} through "${result.cadence}" (${result.touchesPerLead} touches each, seed ${result.seed}), against AWS quotas`,
    `Leads by zone: ${result.zones.join(' · ')}; no lead replies, so every touch is due`,
    '',
    table([
      [
        'governor',
        'spread',
        'failed executions',
        'duplicate sends',
        'throttles absorbed',
        'p95 lateness',
        'max lateness',
      ],
      ...rows,
    ]),
    '',
  ];
  const plain = runs.filter((r) => r.spread === null);
  const spread = runs.filter((r) => r.spread !== null);
  for (const [a, b] of plain.map((r, i) => [r, spread[i]] as const)) {
    if (!b) continue;
    lines.push(
      `${a.world}: spread ${b.spread} takes p95 lateness from ${span(a.lateness.p95Seconds)} to ${span(b.lateness.p95Seconds)} and failed executions from ${count(a.failedExecutions)} to ${count(b.failedExecutions)}`,
    );
  }
  if (deployment) lines.push(deploymentLine(result, deployment));
  const failures = runs.filter((r) => r.firstFailure);
  for (const r of failures) {
    const f = r.firstFailure;
    if (!f) continue;
    lines.push(
      `! ${r.world}, ${r.spread ? `spread ${r.spread}` : 'no spread'}: executions failed, e.g. at touch ${f.step + 1} on ${f.error} after ${f.attempts} retries`,
    );
  }
  lines.push(
    '',
    'Quotas assumed (they differ per region and account; each flag overrides one):',
    table(
      (Object.keys(QUOTA_SOURCES) as (keyof Quotas)[]).map((key) => [
        `  ${QUOTA_FLAGS[key]} ${count(result.quotas[key])}`,
        QUOTA_SOURCES[key],
      ]),
    ),
    `Lambda holds its concurrency ${result.durations.sendMs} ms per send, ${result.durations.refusedMs} ms when the governor refuses, ${result.durations.completeMs} ms to complete (assumed).`,
    `Retry of the touch Task, from the compiled definition: ${result.retry
      .map(
        (r) =>
          `${r.ErrorEquals.length > 2 ? `${r.ErrorEquals.length} errors` : r.ErrorEquals.join(', ')}: ${r.MaxAttempts} × ${r.IntervalSeconds} s ×${r.BackoffRate} up to ${r.MaxDelaySeconds} s, jitter ${r.JitterStrategy}`,
      )
      .join('; ')}.`,
  );
  if (seconds !== undefined)
    lines.push('', `Ran in ${seconds.toFixed(1)} s (${count(result.scheduleCalls)} schedule computations).`);
  return `${lines.join('\n')}\n`;
}
