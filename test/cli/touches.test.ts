import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import { formatMailbox } from '../../functions/core/mailbox.ts';
import { firstEmailAnswerLost, installTouch, runtimeClients } from '../fault/faults.ts';
import {
  enroll,
  mailboxOf,
  showLogsOnFailure,
  startTestRuntime,
  type TestRuntime,
} from '../integ/harness.ts';

/*
 * `followup touches` as a user runs it: the help, an empty list, and a touch whose send was never confirmed listed
 * and redriven through a running local runtime, exactly once.
 */

const ROOT = new URL('../..', import.meta.url).pathname;

/** No AWS configuration at all: no credentials, no region, no instance metadata to ask. */
const NO_AWS = {
  PATH: process.env.PATH ?? '',
  NO_COLOR: '1',
  HOME: join(ROOT, 'nonexistent-home'),
  AWS_CONFIG_FILE: join(ROOT, 'nonexistent-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(ROOT, 'nonexistent-aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
};

/**
 * Runs the CLI as a user does (bin/followup.js) and returns what they see. Asynchronous, so a runtime in this
 * process keeps answering while the CLI talks to it.
 */
function followup(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/followup.js'), ...args], {
      cwd: ROOT,
      env: { ...NO_AWS, USER: 'dana' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The From address the engine's touches go out with. */
const senderOf = (engine: TestRuntime) =>
  formatMailbox(engine.runtime.config.sender.name, engine.runtime.config.sender.email);

/** Help text as one line: commander wraps it to the terminal's width. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'followup-touches-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('followup touches --help', () => {
  it('teaches what an unconfirmed touch is, how to list and redrive one, and what --aws needs', async () => {
    const [touches, unconfirmed, redrive] = await Promise.all([
      followup('touches', '--help'),
      followup('touches', 'unconfirmed', '--help'),
      followup('touches', 'redrive', '--help'),
    ]);

    expect(touches.code).toBe(0);
    expect(flat(touches.stdout)).toContain(
      'unconfirmed [options] list the touches claimed and never confirmed',
    );
    expect(flat(touches.stdout)).toContain('redrive [options] <id> send one unconfirmed touch once');
    expect(unconfirmed.code).toBe(0);
    expect(unconfirmed.stdout).toContain('TouchesUnconfirmed');
    expect(unconfirmed.stdout).toContain('--aws');
    expect(redrive.code).toBe(0);
    for (const taught of [
      'LEAD/ENROLLMENT/STEP',
      '--by <name>',
      '--aws',
      'deployed Touch function',
      'cloudformation:DescribeStacks',
      'lambda:InvokeFunction',
      'TouchFunctionName',
      'recorded skipped',
    ]) {
      expect(flat(redrive.stdout), taught).toContain(taught);
    }
  });
});

describe('followup touches unconfirmed', () => {
  it('prints [] with --json on a data folder with nothing in it', async () => {
    const { code, stdout, stderr } = await followup('touches', 'unconfirmed', '--data', dataDir, '--json');

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([]);
  });
});

describe('followup touches redrive', () => {
  it('refuses an id that is not one, saying where to copy one from', async () => {
    const { code, stdout, stderr } = await followup('touches', 'redrive', 'lead-8f2c', '--data', dataDir);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'followup: "lead-8f2c" is not a touch id; copy one from `followup touches unconfirmed` (LEAD/ENROLLMENT/STEP)\n',
    );
  });

  it('says to start the local runtime when none runs on the data folder', async () => {
    const { code, stderr } = await followup('touches', 'redrive', 'ld_1/e-1/0', '--data', dataDir);

    expect(code).toBe(1);
    expect(stderr).toMatch(/^followup: no local runtime is running on .*: start it \(npm start\)/);
  });

  it.each([
    ['a region', ['--region', 'us-east-1'], 'followup: no AWS credentials found: run `aws configure`'],
    [
      'no region',
      [],
      'followup: no AWS region: pass --region us-east-1, or set AWS_REGION, or run `aws configure set region us-east-1`',
    ],
  ])('with --aws, no AWS configuration and %s, says in one line what to set', async (_what, flags, says) => {
    const { code, stdout, stderr } = await followup('touches', 'redrive', 'ld_1/e-1/0', '--aws', ...flags);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(says);
    expect(stderr).not.toContain('    at ');
  });
});

describe('a touch whose send was never confirmed, on a running local runtime', () => {
  const JORDAN = {
    email: 'jordan.alvarez@example.com',
    name: 'Jordan Alvarez',
    company: 'Alvarez Landscaping',
  };
  let engine: TestRuntime;

  beforeEach(async ({ onTestFailed }) => {
    showLogsOnFailure(onTestFailed);
    engine = await startTestRuntime({ dataDir });
  });
  afterEach(async () => {
    await engine.stop();
  });

  const emailsToJordan = async () =>
    (await mailboxOf(engine.url)).filter((e) => e.destination.to.includes(JORDAN.email));

  it('is listed, sent once by a redrive, and a second redrive is refused saying it was sent', async () => {
    // Prepare: SES takes the instant reply, then the client times out: the touch is unconfirmed
    const { ses } = await runtimeClients(engine);
    const answerLost = firstEmailAnswerLost(ses);
    await installTouch(engine, (deps) => ({
      ...deps,
      mailer: new SesMailer({ client: answerLost, from: senderOf(engine) }),
    }));
    const { leadId } = await enroll(engine.url, JORDAN);
    await engine.settle();
    expect(await emailsToJordan()).toHaveLength(1);

    // Act
    const listed = await followup('touches', 'unconfirmed', '--data', dataDir, '--json');
    const touches = JSON.parse(listed.stdout) as { id: string; leadId: string; stepId: string }[];
    const id = touches[0]?.id ?? 'none listed';
    const redriven = await followup('touches', 'redrive', id, '--data', dataDir, '--by', 'Dana');
    const afterRedrive = await emailsToJordan();
    const again = await followup('touches', 'redrive', id, '--data', dataDir);
    const listedAfter = await followup('touches', 'unconfirmed', '--data', dataDir, '--json');

    // Assess
    expect(listed.code).toBe(0);
    expect(touches).toEqual([expect.objectContaining({ leadId, stepId: 'instant-reply' })]);
    expect(redriven).toMatchObject({ code: 0, stdout: `Sent ${id} once, redriven by Dana.\n`, stderr: '' });
    expect(afterRedrive).toHaveLength(2);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(
      new RegExp(
        `^followup: the touch ${id.replaceAll('/', '\\/')} was already sent \\(at .*\\); it is not sent again\\n$`,
      ),
    );
    expect(await emailsToJordan()).toHaveLength(2);
    expect(JSON.parse(listedAfter.stdout)).toEqual([]);
  });
});
