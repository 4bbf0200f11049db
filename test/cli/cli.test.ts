import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Runs the CLI as a user does (`npx followup …` runs bin/followup.js) and returns what they see. */
function followup(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/followup.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const PROPOSAL_ARGS = [
  'cadence',
  'preview',
  'cadences/proposal.json',
  '--start',
  '2026-12-18T17:45:00-06:00',
  '--tz',
  'America/Chicago',
];

describe('followup cadence preview', () => {
  it('prints the contract JSON: step, channel, template and at with the zone offset, honouring weekend and holidays', () => {
    // Act
    const { code, stdout, stderr } = followup(...PROPOSAL_ARGS, '--json');
    // Assess
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const schedule = JSON.parse(stdout) as { step: string; channel: string; template: string; at: string }[];
    expect(Object.keys(schedule[0] ?? {})).toEqual(['step', 'channel', 'template', 'at']);
    // Friday 17:45 is after the window: Monday 09:00; no touch on a weekend or on 25 Dec / 1 Jan.
    expect(schedule[0]?.at).toBe('2026-12-21T09:00:00-06:00');
    for (const { at } of schedule) {
      expect(at).toMatch(/-06:00$/);
      const day = new Date(at).getUTCDay();
      expect([0, 6]).not.toContain(day);
      expect(at.slice(0, 10)).not.toMatch(/^(2026-12-25|2027-01-01)$/);
    }
  });

  it('prints a table a marketer can read: weekday, local date and time, channel, template, gap', () => {
    const { code, stdout } = followup(...PROPOSAL_ARGS);
    expect(code).toBe(0);
    expect(stdout).toContain('Proposal follow-up');
    expect(stdout).toMatch(/1\s+Mon\s+21 Dec 2026\s+09:00 CST\s+email\s+proposal-sent/);
    expect(stdout).toContain('after 17:00');
    expect(stdout).toContain('quarterly-nurture');
  });

  it('previews a draft outside cadences/ whose templates do not exist yet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'followup-draft-'));
    const file = join(dir, 'spring.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'spring',
        name: 'Spring',
        steps: [{ id: 'a', day: 2, channel: 'email', template: 'nope' }],
      }),
    );
    const { code, stdout } = followup(
      'cadence',
      'preview',
      file,
      '--start',
      '2026-04-01T10:00:00Z',
      '--tz',
      'UTC',
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      { step: 'a', channel: 'email', template: 'nope', at: '2026-04-02T10:00:00Z' },
    ]);
  });

  it.each([
    ['a bad zone', ['--tz', 'Mars/Olympus'], '"Mars/Olympus" is not a time zone'],
    ['a bad start', ['--start', 'next tuesday'], '"next tuesday" is not an ISO 8601 date-time'],
  ])('fails on %s with one clear line and exit 1', (_case, extra, message) => {
    const { code, stderr, stdout } = followup('cadence', 'preview', 'cadences/proposal.json', ...extra);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(message);
  });

  it('fails on a missing file with one clear line and exit 1', () => {
    const { code, stderr } = followup('cadence', 'preview', 'cadences/nope.json');
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('followup: cadences/nope.json: no such file');
  });
});

describe('followup cadence validate', () => {
  it('passes on every shipped cadence and its templates', () => {
    const { code, stdout } = followup('cadence', 'validate');
    expect(code).toBe(0);
    expect(stdout).toContain('✓ cadences/proposal.json');
    expect(stdout).toMatch(/\d+ cadence files valid/);
  });

  it('reports all three mistakes of a file, each with its path', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'followup-bad-'));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'bad',
        name: 'Bad',
        timezone: 'America/Chicago',
        steps: [
          { id: 'one', day: 1, channel: 'email', template: 'proposal-sent' },
          { id: 'two', wait: '3 bizdays', channel: 'email', template: 'proposal-received' },
          { id: 'three', day: 9, channel: 'fax', template: 'walkthrough-call' },
        ],
        then: 'nowhere',
      }),
    );
    // Act
    const { code, stderr } = followup('cadence', 'validate', file, '--json');
    const json = followup('cadence', 'validate', file);
    // Assess
    expect(code).toBe(1);
    expect(json.code).toBe(1);
    const lines = json.stderr.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('✗'))).toHaveLength(3);
    expect(json.stderr).toContain('steps[1].wait: "3 bizdays" is not a duration; use e.g. "3 business days"');
    expect(json.stderr).toContain('steps[2].channel: "fax" is not a channel');
    expect(json.stderr).toContain('then: "nowhere" names no cadence');
    expect(stderr).toBe('');
  });

  it('reports a template that uses a variable that does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'followup-tpl-'));
    writeFileSync(
      join(dir, 'typo.liquid'),
      '---\nsubject: Hi\nvalue: a tip\n---\nHi {{ lead.frist_name }}, here is a tip.\n',
    );
    const file = join(dir, 'typo.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'typo',
        name: 'Typo',
        steps: [{ id: 'a', day: 1, channel: 'email', template: 'typo' }],
      }),
    );
    const { code, stderr } = followup('cadence', 'validate', file, '--templates', dir);
    expect(code).toBe(1);
    expect(stderr).toContain('steps[0].template');
    expect(stderr).toContain('frist_name');
  });
});

describe('followup cadence lint', () => {
  it('is clean on the shipped cadences', () => {
    const { code, stdout, stderr } = followup('cadence', 'lint');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('every touch reads well');
  });

  it('flags "just checking in" with the step and template', () => {
    const dir = mkdtempSync(join(tmpdir(), 'followup-lint-'));
    writeFileSync(
      join(dir, 'nudge.liquid'),
      '---\nsubject: Quick one\nvalue: none\n---\nHi {{ lead.firstName }}, just checking in about {{ lead.company }}.\n',
    );
    const file = join(dir, 'nudge.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'nudge',
        name: 'Nudge',
        steps: [{ id: 'a', day: 1, channel: 'email', template: 'nudge' }],
      }),
    );
    const { code, stderr } = followup('cadence', 'lint', file, '--templates', dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/steps\[0\]\.template \(nudge\): .*just checking in/i);
  });
});

describe('followup cadence compile and --help', () => {
  it('prints the ASL of a cadence', () => {
    const { code, stdout } = followup('cadence', 'compile', 'cadences/proposal.json');
    expect(code).toBe(0);
    const asl = JSON.parse(stdout);
    expect(asl.States[asl.StartAt].TimestampPath).toBe('$.schedule[0].at');
  });

  it('teaches with examples', () => {
    const { code, stdout } = followup('cadence', 'preview', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('--tz <zone>');
  });

  it('rejects an unknown command with a hint and exit 1', () => {
    const { code, stderr } = followup('cadense');
    expect(code).toBe(1);
    expect(stderr).toContain('unknown command');
  });
});
