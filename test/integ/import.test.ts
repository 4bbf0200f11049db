import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csvRecords } from '../../bin/csv.ts';
import { checkpointPath, rejectedPath } from '../../bin/import/journal.ts';
import { directTarget, httpTarget } from '../../bin/import/row-targets.ts';
import { type ImportProgress, type ImportSummary, runImport } from '../../bin/import/run.ts';
import { localTable } from '../../bin/targets/local-runtime.ts';
import { enrollmentIn, runtimeInUse, stackResources } from '../../bin/targets.ts';
import { leadIdFor, normalizeEmail } from '../../functions/domain/lead.ts';
import { CLOCK_FILE } from '../../local/runtime.ts';
import { ManualClock, showLogsOnFailure, startTestRuntime, type TestRuntime, tempDir } from './harness.ts';
import { scanAll } from './table-scan.ts';

/*
 * `followup leads import` on the engine in this process: a generated file with bad rows and duplicates, imported,
 * interrupted midway, resumed. Whatever the interruption, every good row is one lead, one enrollment, one execution.
 */

/** Saturday 23:00 in Chicago: the proposal cadence's first touch waits for Monday, so executions park. */
const SATURDAY_NIGHT = new Date('2026-04-12T04:00:00.000Z');
const CADENCE = 'proposal';
const ROWS = 2_000;

interface Generated {
  readonly csv: string;
  /** Normalized emails of the rows that must be enrolled, once each. */
  readonly good: Set<string>;
  /** Line number → what is wrong, for the rows that must be rejected. */
  readonly bad: Map<number, RegExp>;
  /** Rows repeating an earlier email (another spelling): already enrolled. */
  readonly duplicates: number;
}

/** A spreadsheet export: BOM, CRLF, quoted commas, multi-line notes, unicode, markup, bad rows, repeated emails. */
function generate(rows: number): Generated {
  const lines = [
    '\uFEFFEmail,First Name,Last Name,Company,Phone,Time Zone,Notes,SMS Consent,Consent Text,Shoe Size',
  ];
  const good = new Set<string>();
  const bad = new Map<number, RegExp>();
  let duplicates = 0;
  let line = 2;
  for (let i = 0; i < rows; i++) {
    let email = `lead${i}@example.com`;
    let phone = i % 3 === 0 ? `(312) 555-${String(1000 + (i % 9000)).padStart(4, '0')}` : '';
    const note =
      i % 40 === 0
        ? '"Asked about ""fleet"" plans,\nand a second line"'
        : i % 41 === 0
          ? 'Zoë – café <script>alert(1)</script>'
          : '';
    const consent = phone && i % 2 === 0 ? 'yes' : '';
    let consentText = consent ? '"Texts about my quote, reply STOP to opt out"' : '';
    let extra = '';
    let reason: RegExp | undefined;
    if (i % 50 === 7) {
      email = `not-an-email-${i}`;
      reason = /^Email: is not an email address/;
    } else if (i % 77 === 11) {
      phone = '555';
      reason = /^Phone: is not a phone number/;
    } else if (i === 500) {
      extra = ',surplus';
      reason = /has 11 values but the header has 10 columns/;
    } else if (i === 900) {
      phone = '(312) 555-0900';
      consentText = '';
      email = 'consent.without.wording@example.com';
      reason = /^Consent Text: is required/;
    } else if (i >= 1000 && i < 1010) {
      email = `  LEAD${i - 1000}@Example.COM `;
      duplicates++;
    }
    const row = [
      email,
      `First${i}`,
      `Last${i}`,
      i % 5 === 0 ? '"Acme, Inc."' : `Co ${i}`,
      phone,
      'America/Chicago',
      note,
      i === 900 ? 'yes' : consent,
      consentText,
      '42',
    ];
    lines.push(row.join(',') + extra);
    if (reason) bad.set(line, reason);
    else good.add(normalizeEmail(email));
    line += note.includes('\n') ? 2 : 1;
  }
  return { csv: `${lines.join('\r\n')}\r\n`, good, bad, duplicates };
}

let engine: TestRuntime;
let dir: ReturnType<typeof tempDir>;

beforeEach(async ({ onTestFailed }) => {
  showLogsOnFailure(onTestFailed);
  dir = tempDir('followup-import-');
  engine = await startTestRuntime({ clock: new ManualClock(SATURDAY_NIGHT) });
});

afterEach(async () => {
  await engine.stop();
  dir.remove();
});

/** Rows into the test's engine, wired as `followup leads import` wires the local runtime it starts. */
async function target() {
  return directTarget(await enrollmentIn(engine.runtime), {
    cadenceId: CADENCE,
    origin: 'import:leads.csv',
    clock: () => engine.clock.now(),
    description: 'the test runtime',
  });
}

describe('followup leads import into the local runtime', () => {
  it(`imports ${ROWS.toLocaleString('en-US')} rows, interrupted midway and resumed: every good row enrolled exactly once, bad rows reported by line`, async () => {
    // Prepare
    const generated = generate(ROWS);
    const file = join(dir.path, 'leads.csv');
    writeFileSync(file, generated.csv);
    const stop = new AbortController();
    const seen: ImportProgress[] = [];

    // Act: unpaced, as the command imports into the local runtime; interrupted once 40% is done, then resumed
    const first = await runImport({
      file,
      cadenceId: CADENCE,
      target: await target(),
      signal: stop.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.done >= ROWS * 0.4) stop.abort();
      },
    });
    const checkpointed = existsSync(checkpointPath(file));
    const second = await runImport({
      file,
      cadenceId: CADENCE,
      target: await target(),
      resume: true,
    });

    // Assess: the interrupted run kept its place; the resume skipped what was done and finished
    expect(first.interrupted).toBe(true);
    expect(checkpointed).toBe(true);
    expect(first.imported + first.rejected + first.alreadyEnrolled).toBeGreaterThanOrEqual(ROWS * 0.4);
    expect(first.imported + first.rejected + first.alreadyEnrolled).toBeLessThan(ROWS);
    expect(second.interrupted).toBe(false);
    expect(second.resumed).toBe(first.imported + first.rejected + first.alreadyEnrolled);
    expect(existsSync(checkpointPath(file))).toBe(false);
    expect(seen.at(-1)?.total).toBe(ROWS);

    // Assess: the summary adds up
    const expectSummary: Partial<ImportSummary> = {
      rows: ROWS,
      imported: generated.good.size,
      alreadyEnrolled: generated.duplicates,
      rejected: generated.bad.size,
      unknownColumns: ['Shoe Size'],
    };
    expect(second).toMatchObject(expectSummary);

    // Assess: rejected rows, by line and reason, in the summary and in leads.rejected.csv
    expect(second.rejectedRows.map((r) => r.line)).toEqual([...generated.bad.keys()]);
    for (const row of second.rejectedRows) expect(row.reason).toMatch(generated.bad.get(row.line) as RegExp);
    const rejectedCsv: string[][] = [];
    for await (const record of csvRecords([readFileSync(rejectedPath(file), 'utf8')])) {
      rejectedCsv.push(record.values);
    }
    expect(rejectedCsv[0]?.slice(0, 3)).toEqual(['line', 'reason', 'Email']);
    expect(rejectedCsv.slice(1).map((values) => Number(values[0]))).toEqual([...generated.bad.keys()]);

    // Assess: the table and Step Functions hold one lead, one enrollment and one execution per good row
    const items = await scanAll(engine.runtime.ddb, engine.runtime.tableName);
    const leads = items.filter((i) => i.sk === 'LEAD');
    const enrollments = items.filter((i) => String(i.sk).startsWith('ENR#'));
    const slots = items.filter((i) => String(i.sk).startsWith('ACTIVE#'));
    const executions = engine.runtime.sfn.list();
    expect(new Set(leads.map((l) => l.email))).toEqual(generated.good);
    expect(leads).toHaveLength(generated.good.size);
    expect(enrollments).toHaveLength(generated.good.size);
    expect(new Set(enrollments.map((e) => e.leadId))).toEqual(new Set(leads.map((l) => l.leadId)));
    expect(enrollments.every((e) => e.status === 'started' && e.source === 'import')).toBe(true);
    expect(slots).toHaveLength(generated.good.size);
    expect(executions).toHaveLength(generated.good.size);
    expect(new Set(executions.map((e) => e.name))).toEqual(new Set(enrollments.map((e) => e.enrollmentId)));
    expect(executions.every((e) => e.status === 'RUNNING')).toBe(true);

    // Assess: what a row said reached its lead (a quoted multi-line note, the consent wording and its source)
    const lead120 = leads.find((l) => l.leadId === leadIdFor('lead120@example.com'));
    expect(lead120).toMatchObject({
      name: 'First120 Last120',
      company: 'Acme, Inc.',
      note: 'Asked about "fleet" plans,\nand a second line',
      phone: '+13125551120',
      source: 'import:leads.csv',
      smsConsent: { source: 'import:leads.csv', wording: 'Texts about my quote, reply STOP to opt out' },
    });
  }, 120_000);

  it('posts through a running engine with --url: the same validation and enrollment as the form, field errors named by column', async () => {
    // Prepare
    const file = join(dir.path, 'expo.csv');
    writeFileSync(
      file,
      'E-mail,Name,Mobile\nana@example.com,Ana Ruiz,(312) 555-0101\nbad,Bo,\nana@example.com,Ana Ruiz,\n',
    );

    // Act
    const summary = await runImport({
      file,
      cadenceId: CADENCE,
      target: httpTarget(engine.url, { cadenceId: CADENCE, origin: 'import:expo.csv' }),
      rate: 50,
    });

    // Assess
    expect(summary).toMatchObject({ rows: 3, imported: 1, alreadyEnrolled: 1, rejected: 1 });
    expect(summary.rejectedRows).toEqual([
      { line: 3, reason: expect.stringMatching(/^E-mail: is not an email/) },
    ]);
    const executions = engine.runtime.sfn.list();
    expect(executions).toHaveLength(1);
  });

  it('refuses to start a second engine on a data folder a runtime holds, and names the URL to post through instead', async () => {
    // Prepare: an engine on disk, as npm start runs it
    const onDisk = await startTestRuntime({ dataDir: join(dir.path, 'data') });

    // Act
    const running = await runtimeInUse(join(dir.path, 'data'));
    await onDisk.stop();
    const afterStop = await runtimeInUse(join(dir.path, 'data'));

    // Assess
    expect(running).toEqual({ url: onDisk.url });
    expect(afterStop).toBeUndefined();
  });
});

const ROOT = new URL('../..', import.meta.url).pathname;

/** `followup leads import …` as a user runs it (bin/followup.js), the engine on a data folder of its own. */
function followup(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/followup.js'), 'leads', 'import', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PORT: '0', NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('followup leads import, the command', () => {
  it('imports into the local runtime and prints the --json summary on stdout only', () => {
    // Prepare
    const file = join(dir.path, 'fair.csv');
    writeFileSync(
      file,
      'email,name,notes\nana@example.com,Ana,"met at the fair, booth 12"\nbad-address,Bo,\n',
    );

    // Act
    const { code, stdout } = followup(
      file,
      '--cadence',
      'proposal',
      '--data',
      join(dir.path, 'data'),
      '--json',
    );

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      rows: 2,
      imported: 1,
      rejected: 1,
      rejectedRows: [{ line: 3, reason: expect.stringMatching(/^email: is not an email address/) }],
      interrupted: false,
    });
    expect(readFileSync(join(dir.path, 'fair.rejected.csv'), 'utf8')).toMatch(
      /^line,reason,email,name,notes\r\n3,/,
    );
  });

  it('refuses to start over an unfinished import without --resume, and says how to continue', () => {
    // Prepare
    const file = join(dir.path, 'fair.csv');
    writeFileSync(file, 'email\nana@example.com\n');
    writeFileSync(
      checkpointPath(file),
      JSON.stringify({
        version: 1,
        file: 'fair.csv',
        fingerprint: 'x',
        cadence: 'proposal',
        startedAt: '2026-04-07T15:00:00.000Z',
        committedLine: 1,
        done: [],
        attempted: [],
        counts: { imported: 0, alreadyEnrolled: 0, rejected: 0, notEnrolled: {} },
        rejected: [],
      }),
    );

    // Act
    const { code, stderr } = followup(file, '--cadence', 'proposal', '--data', join(dir.path, 'data'));

    // Assess
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^followup: .*fair\.csv has an unfinished import \(0 of 1 rows done\): add --resume/,
      ),
    ]);
  });

  it('names the cadences there are when --cadence names none', () => {
    const file = join(dir.path, 'fair.csv');
    writeFileSync(file, 'email\nana@example.com\n');
    const { code, stderr } = followup(file, '--cadence', 'nope', '--data', join(dir.path, 'data'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^followup: no cadence "nope" in cadences\/; use one of .*web-inquiry/m);
  });
});

describe('followup leads import, killed mid-run', () => {
  it('resumes from its journal after the process dies, and every row is enrolled exactly once', async () => {
    // Prepare: the engine's time a Saturday night, so executions park; a file large enough to kill it midway
    const rows = 1_200;
    const file = join(dir.path, 'big.csv');
    const data = join(dir.path, 'data');
    const emails = Array.from({ length: rows }, (_, i) => `killed${i}@example.com`);
    writeFileSync(file, `email,name\n${emails.map((e, i) => `${e},Row ${i}`).join('\n')}\n`);
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, CLOCK_FILE), JSON.stringify({ virtualNow: SATURDAY_NIGHT.getTime() }));
    const args = [
      join(ROOT, 'bin/followup.js'),
      'leads',
      'import',
      file,
      '--cadence',
      CADENCE,
      '--data',
      data,
    ];

    // Act: SIGKILL once the journal says some rows are done (no chance to save anything more), then --resume
    const child = spawn(process.execPath, [...args, '--json'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', NO_COLOR: '1' },
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const done = () => {
      try {
        return (JSON.parse(readFileSync(checkpointPath(file), 'utf8')) as { committedLine: number })
          .committedLine;
      } catch {
        return 0;
      }
    };
    await expect.poll(done, { timeout: 120_000, interval: 50 }).toBeGreaterThan(100);
    child.kill('SIGKILL');
    await exited;
    const killedAt = done();
    const resumed = spawnSync(process.execPath, [...args, '--resume', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PORT: '0', NO_COLOR: '1' },
      timeout: 240_000,
    });

    // Assess: the resume finished what the killed run left, and the table holds one enrollment per row
    expect(resumed.status, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout) as ImportSummary;
    expect(killedAt).toBeLessThan(rows + 1);
    expect(summary.interrupted).toBe(false);
    // The counts span both runs; rows done after the last checkpoint were done again, and found enrolled.
    expect(summary.resumed).toBeGreaterThan(0);
    expect(summary.imported + summary.alreadyEnrolled).toBe(rows);
    const table = await localTable(data, 'test');
    if (!table) throw new Error('the import left no table');
    try {
      const items = await scanAll(table.client, table.tableName);
      const enrollments = items.filter((i) => String(i.sk).startsWith('ENR#'));
      const leads = items.filter((i) => i.sk === 'LEAD');
      expect(new Set(leads.map((l) => l.email))).toEqual(new Set(emails));
      expect(enrollments).toHaveLength(rows);
      expect(new Set(enrollments.map((e) => e.leadId)).size).toBe(rows);
      expect(enrollments.every((e) => e.status === 'started')).toBe(true);
    } finally {
      await table.close();
    }
  }, 300_000);
});

describe('--aws', () => {
  it("finds the deployed table and state machines from the stack's outputs and ARN", async () => {
    // Prepare
    const cloudformation = mockClient(CloudFormationClient);
    cloudformation.on(DescribeStacksCommand, { StackName: 'Followup' }).resolves({
      Stacks: [
        {
          StackName: 'Followup',
          StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Followup/6a1b2c3d',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: 'TableName', OutputValue: 'Followup-TableCD117FA1-1ABC' }],
        },
      ],
    });

    // Act
    const resources = await stackResources('Followup', 'eu-west-1');
    cloudformation.restore();

    // Assess
    expect(resources).toEqual({
      tableName: 'Followup-TableCD117FA1-1ABC',
      stateMachineArnTemplate: 'arn:aws:states:eu-west-1:123456789012:stateMachine:Followup-{cadence}:live',
    });
  });
});
