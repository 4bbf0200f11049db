import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../../../functions/adapters/cadence-catalog.ts';
import { SesMailer } from '../../../../functions/adapters/ses-mailer.ts';
import { SnsSmsSender } from '../../../../functions/adapters/sns-sms-sender.ts';
import type { Lead } from '../../../../functions/domain/lead.ts';
import type { TouchRecord } from '../../../../functions/domain/ports.ts';
import type { Signal } from '../../../../functions/domain/signal-schema.ts';
import { applySignal } from '../../../../functions/domain/signals.ts';
import type { TouchEvent, TouchSettings } from '../../../../functions/domain/touch-input.ts';
import { makeTouchHandler } from '../../../../functions/handlers/touch.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';
import { storedLead, TOUCH_SETTINGS, templates } from '../../../support/handler-fixtures.ts';
import {
  CADENCES,
  CREDENTIALS,
  KEY,
  REGION,
  recordingLogger,
  type World,
  world,
} from '../../../support/signal-fixtures.ts';

const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);

const NOW = new Date('2026-03-04T16:00:00Z'); // Wednesday 10:00 in Chicago
const EMAIL = 'jordan.alvarez@example.com';
const PHONE = '+13125550142';
const ENROLLMENT = 'web-inquiry-ld_test-0123456789abcdef';

/** A store in which a signal lands right after the touch claims its send, before it sends. */
class RacingStore extends MemoryLeadStore {
  race?: () => Promise<unknown>;
  override async claimTouch(record: TouchRecord) {
    const existing = await super.claimTouch(record);
    if (!existing && record.status === 'claimed') await this.race?.();
    return existing;
  }
}

let store: RacingStore;
let signals: World;
let lead: Lead;

function touch(settings: TouchSettings = TOUCH_SETTINGS) {
  return makeTouchHandler(
    {
      store,
      mailer: new SesMailer({
        client: new SESv2Client({ region: REGION, credentials: CREDENTIALS }),
        from: 'Sam at Northwind <sam@northwind.example>',
      }),
      sms: new SnsSmsSender({ client: new SNSClient({ region: REGION, credentials: CREDENTIALS }) }),
      cadences: new StaticCadenceCatalog(CADENCES),
      templates,
      signingKey: async () => KEY,
      settings,
      logger: recordingLogger(),
    },
    () => NOW,
  );
}

function event(overrides: Partial<TouchEvent> = {}): TouchEvent {
  return {
    leadId: lead.leadId,
    enrollmentId: ENROLLMENT,
    cadenceId: 'web-inquiry',
    stepIndex: 0,
    stepId: 'instant-reply',
    channel: 'email',
    template: 'hello',
    scheduledAt: NOW.toISOString(),
    ...overrides,
  };
}

const key = (e: TouchEvent) => ({ leadId: e.leadId, enrollmentId: e.enrollmentId, stepIndex: e.stepIndex });

beforeEach(async () => {
  ses.reset();
  sns.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
  sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  signals = world();
  store = new RacingStore();
  // The signal and the touch share one table.
  signals = { ...signals, deps: { ...signals.deps, store } };
  lead = storedLead({
    email: EMAIL,
    name: 'Jordan Alvarez',
    phone: PHONE,
    smsConsent: {
      at: '2026-03-01T15:00:00Z',
      source: 'https://northwind.example/quote',
      wording: 'Texts OK',
    },
  });
  store.leads.set(lead.leadId, lead);
  await store.claimActive({
    leadId: lead.leadId,
    cadenceId: 'web-inquiry',
    enrollmentId: ENROLLMENT,
    inputJson: '{}',
    createdAt: '2026-03-04T15:00:00Z',
    endsAt: '2026-03-10T15:00:00Z',
  });
});

describe('touch × signal races', () => {
  it('a reply written after the touch claimed but before it sent: no email, the claim is given back, LeadExited', async () => {
    // Prepare
    const reply: Signal = {
      v: 1,
      type: 'reply',
      id: 'email:m-1',
      leadId: lead.leadId,
      at: NOW.toISOString(),
      source: 'ses-inbound',
    };
    store.race = () => applySignal(signals.deps, reply, NOW);
    const e = event();

    // Act
    const error = await touch()(e).catch((err: Error) => err);

    // Assess
    expect((error as Error).name).toBe('LeadExited');
    expect(store.leads.get(lead.leadId)?.status).toBe('replied');
    expect(ses.commandCalls(SendEmailCommand)).toEqual([]);
    expect(store.touch(key(e))).toBeUndefined();
  });

  it('a STOP that lands while an SMS touch is claimed: the text is skipped, not sent', async () => {
    // Prepare
    store.race = () =>
      applySignal(
        signals.deps,
        {
          v: 1,
          type: 'sms-stop',
          id: 'sms:in-1',
          leadId: lead.leadId,
          at: NOW.toISOString(),
          source: 'sms:+12175550100',
          phone: PHONE,
          keyword: 'STOP',
        },
        NOW,
      );
    const e = event({ stepIndex: 2, stepId: 'text-offer', channel: 'sms', template: 'quick-text' });

    // Act
    const result = await touch()(e);

    // Assess
    expect(result).toEqual({ status: 'skipped', reason: 'suppressed' });
    expect(sns.commandCalls(PublishCommand)).toEqual([]);
    expect(store.touch(key(e))?.status).toBe('skipped');
  });

  it('a reply that landed before the touch began stops it at its first read, as before', async () => {
    // Prepare
    await applySignal(
      signals.deps,
      {
        v: 1,
        type: 'reply',
        id: 'email:m-0',
        leadId: lead.leadId,
        at: NOW.toISOString(),
        source: 'ses-inbound',
      },
      NOW,
    );

    // Act
    const error = await touch()(event()).catch((err: Error) => err);

    // Assess
    expect((error as Error).name).toBe('LeadExited');
    expect(ses.commandCalls(SendEmailCommand)).toEqual([]);
  });
});

describe('touch: snoozes and outcome links', () => {
  it('the first touch after a snooze ends wakes the lead and sends', async () => {
    // Prepare
    store.leads.set(lead.leadId, { ...lead, status: 'snoozed', snoozedUntil: '2026-03-04T15:00:00Z' });

    // Act
    const result = await touch()(event({ cadenceId: 're-engage', stepId: 'as-you-asked' }));

    // Assess
    expect(result).toEqual({ status: 'sent' });
    expect(store.leads.get(lead.leadId)?.status).toBe('active');
    expect(store.events).toContainEqual(
      expect.objectContaining({ kind: 'status', from: 'snoozed', to: 'active', source: 'cadence:re-engage' }),
    );
  });

  it('a lead still snoozed is not touched', async () => {
    // Prepare
    store.leads.set(lead.leadId, { ...lead, status: 'snoozed', snoozedUntil: '2026-06-01T14:00:00Z' });

    // Act
    const error = await touch()(event()).catch((err: Error) => err);

    // Assess
    expect((error as Error).name).toBe('LeadExited');
    expect(ses.commandCalls(SendEmailCommand)).toEqual([]);
  });

  it("a call task's email carries signed links for replied, meeting, won, lost and not-now when the API URL is set", async () => {
    // Prepare
    const e = event({ stepIndex: 1, stepId: 'first-call', channel: 'call', template: 'first-call' });

    // Act
    await touch({ ...TOUCH_SETTINGS, apiBaseUrl: 'https://api.northwind.example' })(e);

    // Assess
    const text = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Body?.Text?.Data ?? '';
    for (const label of ['Replied', 'Meeting booked', 'Won', 'Lost', 'Not now']) {
      expect(text).toMatch(new RegExp(`${label}: https://api\\.northwind\\.example/o/${lead.leadId}\\.`));
    }
  });

  it('and none without it', async () => {
    // Prepare
    const e = event({ stepIndex: 1, stepId: 'first-call', channel: 'call', template: 'first-call' });

    // Act
    await touch()(e);

    // Assess
    const text = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Body?.Text?.Data ?? '';
    expect(text).not.toContain('/o/');
  });
});
