import { afterEach, describe, expect, it } from 'vitest';
import { DynamoSendingLedger } from '../../functions/adapters/dynamo/sending-governor.ts';
import { governorOver } from '../../functions/runtime/sending-governor.ts';
import { localSending } from '../../local/runtime/sending-governor.ts';
import { runtimeSettings } from '../fault/faults.ts';
import {
  enroll,
  leadOf,
  ManualClock,
  showLogsOnFailure,
  smsOf,
  startTestRuntime,
  type TestRuntime,
} from './harness.ts';

/*
 * Issue #15: texts under the shipped config's governor, on the local runtime with the deployed IAM enforced. The
 * runtime's own Touch is governed ("account" answered from sending.local, texts at sending.sms's 1 a second): two
 * texts due at one instant go one second apart, each once; a reputation pause holds texts until it is resumed.
 */

// Mon 7 Dec 2026, 03:00 in Chicago: web-inquiry's text-offer falls four business days later, inside 10:00–18:00.
const NIGHT = new Date('2026-12-07T09:00:00Z');
const PHONES = ['(312) 555-0142', '(312) 555-0143'];
const CONSENT = 'I agree to receive texts from Example Co about my inquiry. Reply STOP to opt out.';

/** A governor over the runtime's own table, as `followup sending` builds one (resume, and bounces as SesEvents counts them). */
function governorOf(engine: TestRuntime) {
  const settings = runtimeSettings(engine);
  if (!settings.sending) throw new Error('the shipped config governs sending');
  const ledger = new DynamoSendingLedger({
    client: engine.runtime.clients.documents,
    tableName: settings.tableName,
  });
  return governorOver(localSending(settings.sending), settings.defaultTimeZone, { ledger });
}

async function twoTexters(engine: TestRuntime) {
  const leads = [];
  for (const [i, phone] of PHONES.entries()) {
    leads.push(
      await enroll(engine.url, {
        email: `texter${i}@example.com`,
        name: `Texter ${i}`,
        phone,
        smsConsent: true,
        consentText: CONSENT,
        cadence: 'web-inquiry',
      }),
    );
  }
  const at = leads.map((l) => l.enrollment.schedule.find((s) => s.step === 'text-offer')?.at ?? '');
  return { leads, at };
}

describe('texts under the sending governor on the local runtime', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it("two texts due at one instant take the texts' own bucket: one second apart, each once, none failed", {
    timeout: 240_000,
  }, async ({ onTestFailed }) => {
    // Prepare
    showLogsOnFailure(onTestFailed);
    const engine = await startTestRuntime({ clock: new ManualClock(NIGHT) });
    cleanup.push(() => engine.stop());
    const { leads, at } = await twoTexters(engine);

    // Act
    await engine.advanceTo(new Date(Date.parse(at[0] ?? '') + 60_000));

    // Assess
    expect(at[0]).toBe(at[1]);
    const texts = await smsOf(engine.url);
    expect(texts.map((t) => t.to).sort()).toEqual(['+13125550142', '+13125550143']);
    const [first, second] = texts.map((t) => Date.parse(t.at));
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(1000);
    for (const { leadId } of leads) {
      const { touches } = await leadOf(engine.url, leadId);
      expect(touches.filter((t) => t.step === 'text-offer').map((t) => t.status)).toEqual(['sent']);
    }
    expect(engine.runtime.sfn.list().filter((r) => r.status === 'FAILED')).toEqual([]);
    const status = await governorOf(engine).status(engine.clock.now());
    expect(status).toMatchObject({ ratePerSecond: 14, sms: { ratePerSecond: 1 } });
  });

  it('a reputation pause holds the texts; resumed, they go once', {
    timeout: 240_000,
  }, async ({ onTestFailed }) => {
    // Prepare: the window's 1,000 sends have not happened, so it takes 40 bounces to reach 4%
    showLogsOnFailure(onTestFailed);
    const engine = await startTestRuntime({ clock: new ManualClock(NIGHT) });
    cleanup.push(() => engine.stop());
    const governor = governorOf(engine);
    let paused = false;
    for (let i = 0; i < 40 && !paused; i++)
      paused = (await governor.recordOutcome('bounce', NIGHT)).paused === true;
    const { leads, at } = await twoTexters(engine);

    // Act
    await engine.advanceTo(new Date(Date.parse(at[0] ?? '') + 60_000));
    const whilePaused = await smsOf(engine.url);
    const resumed = await governor.resume();
    await engine.advanceTo(new Date(Date.parse(at[0] ?? '') + 2 * 3_600_000));

    // Assess
    expect(paused).toBe(true);
    expect(whilePaused).toEqual([]);
    expect(resumed).toBe(true);
    expect((await smsOf(engine.url)).map((t) => t.to).sort()).toEqual(['+13125550142', '+13125550143']);
    for (const { leadId } of leads) {
      const { touches } = await leadOf(engine.url, leadId);
      expect(touches.filter((t) => t.step === 'text-offer').map((t) => t.status)).toEqual(['sent']);
    }
  });
});
