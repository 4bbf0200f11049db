import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoSendingLedger } from '../../functions/adapters/dynamo/sending-governor.ts';
import { SendingConfigSchema } from '../../functions/core/config.ts';
import * as z from '../../functions/core/zod.ts';
import { sendingPolicy } from '../../functions/domain/sending-governor.ts';
import { SendingGovernor } from '../../functions/domain/sending-governor-service.ts';
import { installTouch, runtimeSettings } from '../fault/faults.ts';
import {
  enroll,
  leadOf,
  ManualClock,
  mailboxOf,
  showLogsOnFailure,
  startTestRuntime,
  type TestRuntime,
  tempDir,
} from './harness.ts';

/*
 * Issue #15, the sending governor on the local runtime (IAM enforced), its Touch given the governor as the entry
 * wiring will give it. On AWS the Task's RETRY_SENDING_CAPACITY brings a waiting touch back; here each refused attempt
 * first sleeps on the virtual clock until the governor says capacity is due back, then the compiled
 * Retry runs it again. Virtual hours pass in milliseconds; a pause, which names no time, is looked at again hourly.
 */

const ROOT = new URL('../..', import.meta.url).pathname;
// Tuesday 1 December 2026, 03:00 in Chicago: proposal's first email waits for 09:00 (15:00Z).
const NIGHT = new Date('2026-12-01T09:00:00Z');
const MORNING = new Date('2026-12-01T15:00:00Z');
const _MAX_DELAY_MS = 3_600_000;

async function governed(engine: TestRuntime, sending: z.input<typeof SendingConfigSchema>) {
  const settings = runtimeSettings(engine);
  const policy = sendingPolicy(z.parse(SendingConfigSchema, sending), settings.defaultTimeZone);
  const ledger = new DynamoSendingLedger({
    client: engine.runtime.clients.documents,
    tableName: settings.tableName,
  });
  const governor = new SendingGovernor(ledger, policy);
  // When each email went out on the virtual clock (a touch records its due instant, which a retry shares).
  const sentAt: { to: string; day: string }[] = [];
  await installTouch(engine, (deps) => ({
    ...deps,
    governor,
    claimClock: () => engine.clock.now(),
    mailer: {
      send: async (email) => {
        const answer = await deps.mailer.send(email);
        sentAt.push({ to: email.to, day: engine.clock.now().toISOString().slice(0, 10) });
        return answer;
      },
    },
  }));
  return { governor, sentAt };
}

/** The CLI as a user runs it, against the running runtime's table. */
function followup(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/followup.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

const sentTo = async (engine: TestRuntime) =>
  (await mailboxOf(engine.url)).map((email) => email.destination.to[0]);

describe('the sending governor on the local runtime', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  // Each test starts a runtime with its IAM: seconds on a busy machine.
  it('with a daily cap of 2 and 3 leads due the same morning: 2 go that day, the third the next day, once', {
    timeout: 90_000,
  }, async ({ onTestFailed }) => {
    // Prepare
    showLogsOnFailure(onTestFailed);
    const engine = await startTestRuntime({ clock: new ManualClock(NIGHT) });
    cleanup.push(() => engine.stop());
    const { sentAt } = await governed(engine, { dailyCap: 2, ratePerSecond: 14 });
    const leads = [];
    for (const email of ['ana@example.com', 'ben@example.com', 'cy@example.com']) {
      leads.push(await enroll(engine.url, { email, cadence: 'proposal' }));
    }

    // Act
    await engine.advanceTo(new Date(MORNING.getTime() + 8 * 3_600_000));
    const thatDay = sentAt.map((s) => s.to);
    // The third waits for the new day's cap and then for its window (09:00 Chicago, 15:00Z), as on AWS: not midnight.
    await engine.advanceTo('2026-12-02T14:59:00Z');
    const beforeWindow = sentAt.length;
    await engine.advanceTo('2026-12-02T18:00:00Z');

    // Assess
    expect(leads.map((l) => l.enrollment.schedule[0]?.at)).toEqual([
      '2026-12-01T15:00:00Z',
      '2026-12-01T15:00:00Z',
      '2026-12-01T15:00:00Z',
    ]);
    expect(thatDay).toHaveLength(2);
    expect(beforeWindow).toBe(2);
    expect(sentAt.map((s) => s.day)).toEqual(['2026-12-01', '2026-12-01', '2026-12-02']);
    expect(new Set(sentAt.map((s) => s.to))).toEqual(
      new Set(['ana@example.com', 'ben@example.com', 'cy@example.com']),
    );
    expect(await sentTo(engine)).toHaveLength(3);
    for (const { leadId } of leads) {
      const { touches } = await leadOf(engine.url, leadId);
      expect(touches.filter((t) => t.step === 'proposal').map((t) => t.status)).toEqual(['sent']);
    }
    expect(engine.runtime.sfn.list().filter((r) => r.status === 'FAILED')).toEqual([]);
  });

  it('bounces pause marketing sends, an immediate reply still goes, and `followup sending resume` resumes', {
    timeout: 90_000,
  }, async ({ onTestFailed }) => {
    // Prepare: a data folder the CLI finds the running runtime by, and a config with a sending block
    showLogsOnFailure(onTestFailed);
    const data = tempDir('followup-sending-');
    cleanup.push(() => data.remove());
    const sending = { ratePerSecond: 14, pause: { bounceRate: 0.2, complaintRate: 0.01, overLast: 10 } };
    const config = join(data.path, 'followup.config.json');
    writeFileSync(
      config,
      JSON.stringify({ ...JSON.parse(readFileSync(join(ROOT, 'followup.config.json'), 'utf8')), sending }),
    );
    const engine = await startTestRuntime({
      clock: new ManualClock(NIGHT),
      dataDir: join(data.path, 'data'),
    });
    cleanup.push(() => engine.stop());
    const { governor } = await governed(engine, sending);
    // Two hard bounces, as the SES event path counts them (functions/domain/ses-events.ts).
    await governor.recordOutcome('bounce', NIGHT);
    await governor.recordOutcome('bounce', NIGHT);

    // Act
    const marketing = await enroll(engine.url, { email: 'dee@example.com', cadence: 'proposal' });
    const inquiry = await enroll(engine.url, { email: 'eve@example.com', cadence: 'web-inquiry' });
    await engine.advanceTo(new Date(MORNING.getTime() + 2 * 3_600_000));
    const whilePaused = await sentTo(engine);
    const status = await followup(
      'sending',
      'status',
      '--data',
      join(data.path, 'data'),
      '--config',
      config,
      '--json',
    );
    const resumed = await followup(
      'sending',
      'resume',
      '--data',
      join(data.path, 'data'),
      '--config',
      config,
    );
    await engine.advanceTo(new Date(MORNING.getTime() + 4 * 3_600_000));

    // Assess
    expect(whilePaused).toEqual(['eve@example.com']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      paused: { reason: expect.stringMatching(/^bounce rate/) },
    });
    expect(resumed).toMatchObject({ code: 0, stderr: '' });
    expect(resumed.stdout).toMatch(/^Resumed marketing sends/);
    expect(await sentTo(engine)).toEqual(['eve@example.com', 'dee@example.com']);
    const { touches } = await leadOf(engine.url, marketing.leadId);
    expect(touches.filter((t) => t.step === 'proposal').map((t) => t.status)).toEqual(['sent']);
    expect(inquiry.enrollment.schedule[0]?.step).toBe('instant-reply');
  });
});
