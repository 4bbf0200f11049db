import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QuotaSimulationResult } from '../../local/quota-sim/index.ts';

/* `followup simulate --aws-quotas` as a user runs it: the table they read, the JSON, and a wrong flag. */

const ROOT = new URL('../..', import.meta.url).pathname;
const BASE = [
  'simulate',
  '--cadence',
  'web-inquiry',
  '--leads',
  '2000',
  '--seed',
  '7',
  '--start',
  '2026-07-06T00:00:00Z',
];

function followup(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/followup.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('followup simulate --aws-quotas', () => {
  it('prints a row per governor and spread, the quotas it assumed and the compiled Retry', () => {
    const { code, stdout, stderr } = followup(...BASE, '--aws-quotas');
    expect(stderr).toContain('quota simulation: run 4/4 done');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Simulated 2,000 leads signing up on 2026-07-06 through "web-inquiry"/);
    expect(stdout).toMatch(
      /governor\s+spread\s+failed executions\s+duplicate sends\s+throttles absorbed\s+p95 lateness/,
    );
    for (const row of [
      /without governor\s+none\s+0\s+0/,
      /with governor\s+90 minutes\s+0\s+0\s+0 of 0\s+0 s/,
    ]) {
      expect(stdout).toMatch(row);
    }
    expect(stdout).toContain('--ses-rate 14');
    expect(stdout).toContain('Retry of the touch Task, from the compiled definition');
  });

  it('--json carries the same figures, and a sandbox SES rate makes the case for the governor', () => {
    const { code, stdout } = followup(...BASE, '--aws-quotas', '--ses-rate', '1', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as QuotaSimulationResult;
    expect(result.quotas.sesRate).toBe(1);
    expect(result.runs).toHaveLength(4);
    const run = (world: string, spread: boolean) =>
      result.runs.find((r) => r.world === world && (r.spread !== null) === spread);
    expect(run('without governor', false)?.failedExecutions).toBeGreaterThan(0);
    expect(result.runs.every((r) => r.duplicateSends === 0)).toBe(true);
    expect(run('with governor', true)?.lateness.p95Seconds).toBeLessThanOrEqual(
      run('with governor', false)?.lateness.p95Seconds ?? 0,
    );
  });

  it('refuses a quota that is not a number, naming the flag', () => {
    const { code, stderr } = followup(...BASE, '--aws-quotas', '--ses-rate', 'fast');
    expect(code).toBe(1);
    expect(stderr).toContain('--ses-rate must be a number, e.g. --ses-rate 14 (got "fast")');
  });
});
