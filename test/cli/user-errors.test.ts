import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * A copy of the project a person has edited: `simulate` reads the cadences and config beside its own code, so the
 * code is copied with them (a symlink would resolve back to this repository).
 */
function projectCopy(edit: (root: string) => void): string {
  const root = mkdtempSync(join(tmpdir(), 'followup-project-'));
  for (const entry of ['bin', 'functions', 'lib', 'local', 'web', 'templates', 'cadences']) {
    cpSync(join(ROOT, entry), join(root, entry), { recursive: true });
  }
  for (const file of ['followup.config.json', 'package.json', 'tsconfig.json']) {
    cpSync(join(ROOT, file), join(root, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  edit(root);
  return root;
}

/** Runs the copy's CLI as a user does and returns what they see. */
function followup(root: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'bin/followup.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The CLI with no AWS configuration at all: no credentials, no region, no instance metadata to ask. */
function followupWithoutAws(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/followup.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      NO_COLOR: '1',
      HOME: join(ROOT, 'nonexistent-home'),
      AWS_CONFIG_FILE: join(ROOT, 'nonexistent-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(ROOT, 'nonexistent-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SIMULATE = ['simulate', '--cadence', 'web-inquiry', '--leads', '2'];
const STACK_FRAME = /^\s+at /m;

describe('an error a person can fix is one line, exit 1, no stack trace', () => {
  it('followup simulate with a bad field in followup.config.json names the field', () => {
    // Prepare
    const root = projectCopy((dir) => {
      const file = join(dir, 'followup.config.json');
      const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      writeFileSync(file, JSON.stringify({ ...config, api: { rateLimit: 0, burstLimit: 40 } }));
    });
    // Act
    const { code, stderr } = followup(root, ...SIMULATE);
    // Assess
    expect(code).toBe(1);
    expect(stderr).toMatch(/^followup: .*followup\.config\.json is not valid/);
    expect(stderr).toContain('api.rateLimit');
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  it('followup simulate with a cadence in cadences/ that is not JSON names the file and line', () => {
    const root = projectCopy((dir) =>
      writeFileSync(join(dir, 'cadences/broken.json'), '{\n  "id": "broken",\n'),
    );
    const { code, stderr } = followup(root, ...SIMULATE);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^followup: .*cadences\/broken\.json: not valid JSON at line 3/);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  it('followup simulate with an invalid cadence in cadences/ names the file and the field', () => {
    const root = projectCopy((dir) =>
      writeFileSync(
        join(dir, 'cadences/broken.json'),
        JSON.stringify({
          id: 'broken',
          name: 'Broken',
          steps: [{ id: 'a', day: 'soon', channel: 'email', template: 'x' }],
        }),
      ),
    );
    const { code, stderr } = followup(root, ...SIMULATE);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^followup: .*cadences\/broken\.json: steps\[0\]\.day: /);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(STACK_FRAME);
  });

  it('npm start with a bad field in followup.config.json names the field', () => {
    const root = projectCopy((dir) => {
      const file = join(dir, 'followup.config.json');
      const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      writeFileSync(file, JSON.stringify({ ...config, defaultTimeZone: 'Mars/Olympus' }));
    });
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'local/start.ts')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PORT: '0' },
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^followup: .*followup\.config\.json is not valid/);
    expect(result.stderr).toContain('defaultTimeZone');
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it.each([
    ['preview', ['cadence', 'preview', '--tz', 'UTC']],
    ['validate', ['cadence', 'validate']],
  ])('followup cadence %s of a file that is not JSON names the file and line', (_, command) => {
    const dir = mkdtempSync(join(tmpdir(), 'followup-draft-'));
    const file = join(dir, 'draft.json');
    writeFileSync(file, '{\n  "id": "draft",\n');
    const { code, stderr } = followup(ROOT, ...(command as string[]), file);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `followup: ${file}: not valid JSON at line 3, column 1 (Expected double-quoted property name)\n`,
    );
  });

  it.each([
    ['a UserError: its message on one line, exit 1', 'new UserError("--leads must be a number")', 1],
    ['an unexpected error: its stack, exit 2', 'new TypeError("boom")', 2],
  ])('the CLI reports %s', (_, error, status) => {
    const script = `const { UserError } = await import(${JSON.stringify(join(ROOT, 'functions/core/errors.ts'))});
const { fail } = await import(${JSON.stringify(join(ROOT, 'bin/output.ts'))});
fail(${error});`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.status).toBe(status);
    if (status === 1) expect(result.stderr).toBe('followup: --leads must be a number\n');
    else expect(result.stderr).toMatch(/^followup: unexpected error: TypeError: boom\n\s+at /);
  });

  it('followup report with no local runtime says so in one line and still prints the (empty) report', () => {
    const data = join(mkdtempSync(join(tmpdir(), 'followup-report-')), 'never-started');
    const { code, stdout, stderr } = followup(ROOT, 'report', '--data', data);
    expect(code).toBe(0);
    expect(stderr).toBe(
      `followup: no local data in ${data}/ yet (npm start creates it); use --aws for the deployed stack\n`,
    );
    expect(stdout).toContain('No touches or outcomes counted yet');
  });

  it.each([
    ['report --aws without a region', ['report', '--aws'], /^followup: no AWS region: pass --region/],
    [
      'report --aws without credentials',
      ['report', '--aws', '--region', 'us-east-1'],
      /^followup: no AWS credentials found: run `aws configure`/,
    ],
    [
      'report --aws with a region that is not one',
      ['report', '--aws', '--region', 'mars-1'],
      /^followup: --region "mars-1" is not an AWS region/,
    ],
    [
      'report with a month that is not YYYY-MM',
      ['report', '--since', '2026-3'],
      /^followup: --since must be/,
    ],
    [
      'leads import of a missing file',
      ['leads', 'import', 'no-such-file.csv', '--cadence', 'proposal'],
      /^followup: no file no-such-file\.csv$/,
    ],
    [
      'leads import --aws without credentials',
      [
        'leads',
        'import',
        'cadences/proposal.json',
        '--cadence',
        'proposal',
        '--aws',
        '--region',
        'us-east-1',
      ],
      /^followup: no AWS credentials found/,
    ],
  ])('followup %s: one line, exit 1, no stack trace', (_, args, message) => {
    const { code, stdout, stderr } = followupWithoutAws(...args);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});
