import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snsSmsEvent } from '../../local/signal-events.ts';
import {
  enroll,
  leadOf,
  mailboxOf,
  showLogsOnFailure,
  startTestRuntime,
  type TestRuntime,
} from './harness.ts';

/*
 * A text to our number on the local runtime, the deployed IAM enforced (docs/architecture.md §4.1): SmsInbound acts
 * on the keywords and opt-outs in words itself and invokes the reply reader (ReadReply) with a person's text, so the
 * reader's rules and dates are bundled once. The invoke is authorized as SmsInbound's role, the reading runs as
 * ReadReply's.
 */

const PHONE = '+13125550142';

let rt: TestRuntime | undefined;
beforeEach(async ({ onTestFailed }) => {
  showLogsOnFailure(onTestFailed);
  // Started in the hook, whose time limit covers synthesizing the stack for its IAM on a busy machine.
  rt = await startTestRuntime();
});
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

async function texted(body: string) {
  if (!rt) throw new Error('no runtime: started in beforeEach');
  const { leadId } = await enroll(rt.url, {
    email: 'jordan.alvarez@example.com',
    name: 'Jordan Alvarez',
    phone: PHONE,
    smsConsent: true,
    consentText: 'Texts OK about my quote. Reply STOP to opt out.',
  });
  await rt.settle();
  const { runtime } = rt;
  const ours = runtime.config.sms.originationNumber ?? '+10000000000';
  const results = await runtime.signals.smsInbound(snsSmsEvent(PHONE, ours, body, runtime.clock.now()));
  await rt.settle();
  return { rt, leadId, results };
}

describe('a text reply: SmsInbound hands it to the reader', () => {
  it('a not-now with a month snoozes the lead, and the forward says how it was read', async () => {
    // Act
    const { rt, leadId, results } = await texted('Not right now - try me again in March.');

    // Assess
    expect(results).toEqual([
      expect.objectContaining({ intent: 'message', leadId, outcome: 'applied', reading: 'not-now' }),
    ]);
    expect((await leadOf(rt.url, leadId)).lead.status).toBe('snoozed');
    const forwards = (await mailboxOf(rt.url)).filter((m) => m.subject.startsWith('Text from'));
    expect(forwards).toHaveLength(1);
    expect(forwards[0]?.text).toContain('Read as: not now');
    expect(rt.runtime.iam?.denials ?? []).toEqual([]);
  });

  it('STOP is still answered by SmsInbound itself: the number is suppressed, nothing is read', async () => {
    // Act
    const { rt, leadId, results } = await texted('STOP');

    // Assess
    expect(results).toEqual([expect.objectContaining({ intent: 'stop', leadId, outcome: 'applied' })]);
    expect((await leadOf(rt.url, leadId)).lead.status).not.toBe('snoozed');
    expect(rt.runtime.iam?.denials ?? []).toEqual([]);
  });
});
