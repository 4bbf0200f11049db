import { describe, expect, it } from 'vitest';
import { loadCadencesSync } from '../../../../functions/adapters/cadence-files.ts';
import { deploymentLine, formatQuotaSummary } from '../../../../local/quota-sim/format.ts';
import { simulateQuotas } from '../../../../local/quota-sim/index.ts';

/* The quota summary names the rows of the deployment's own config: the governed ones when it has a `sending` block. */

const ROOT = new URL('../../../..', import.meta.url).pathname;
const cadence = loadCadencesSync(`${ROOT}cadences`).find((c) => c.id === 'web-inquiry');
if (!cadence) throw new Error('web-inquiry ships');
// Enough leads for the ungoverned wave to fail executions at a sandbox-like SES rate.
const result = simulateQuotas({
  cadence,
  leads: 2000,
  seed: 7,
  day: new Date('2026-12-07T00:00:00Z'),
  quotas: { sesRate: 1, lambdaConcurrency: 50 },
});

describe('the deployment line of the quota summary', () => {
  it('names the governed rows for a config with a sending block, and their failures and duplicates', () => {
    const governed = result.runs.find((r) => r.world === 'with governor' && r.spread === null);
    const line = deploymentLine(result, { governed: true, ratePerSecond: 'account' });
    expect(line).toBe(
      `This deployment: followup.config.json governs sending (rate "account", modelled as --ses-rate 1), so its rows are "with governor"; without a spread: ${governed?.failedExecutions.toLocaleString('en-US')} failed executions, ${governed?.duplicateSends} duplicate sends.`,
    );
    expect(governed?.failedExecutions).toBe(0);
    expect(formatQuotaSummary(result, undefined, { governed: true })).toContain(line.slice(0, 60));
  });

  it('names the ungoverned rows, with their failed executions, for a config without one', () => {
    const ungoverned = result.runs.find((r) => r.world === 'without governor' && r.spread === null);
    expect(ungoverned?.failedExecutions).toBeGreaterThan(0);
    expect(deploymentLine(result, { governed: false })).toContain(
      `does not govern sending ("sending" is false or absent), so its rows are "without governor"; without a spread: ${ungoverned?.failedExecutions.toLocaleString('en-US')} failed executions`,
    );
  });
});
