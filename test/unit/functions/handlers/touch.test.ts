import {
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  type SendEmailCommandInput,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../../../functions/adapters/cadence-catalog.ts';
import { SesMailer } from '../../../../functions/adapters/ses-mailer.ts';
import { SnsSmsSender } from '../../../../functions/adapters/sns-sms-sender.ts';
import { parseFrequencyCap } from '../../../../functions/domain/frequency-cap.ts';
import type { Lead } from '../../../../functions/domain/lead.ts';
import type { TouchRecord } from '../../../../functions/domain/ports.ts';
import { verifyToken } from '../../../../functions/domain/tokens.ts';
import type { TouchEvent, TouchSettings } from '../../../../functions/domain/touch-input.ts';
import { makeTouchHandler } from '../../../../functions/handlers/touch.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';
import {
  ALL_CADENCES,
  CREDENTIALS,
  REGION,
  recordingLogger,
  storedLead,
  templates,
} from '../../../support/handler-fixtures.ts';

const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);

const KEY = 'k3y-for-tests-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ';
const NOW = new Date('2026-03-04T16:00:00Z'); // Wednesday 10:00 in Chicago
const EMAIL = 'jordan.alvarez@example.com';
const SETTINGS: TouchSettings = {
  unsubscribeBaseUrl: 'https://api.northwind.example/u/',
  replyDomain: 'reply.northwind.example',
  business: { name: 'Northwind Supply', postalAddress: '400 N Wells St, Chicago, IL 60654' },
  owner: {
    name: 'Sam Rivera',
    firstName: 'Sam',
    email: 'sam@northwind.example',
    phone: '(312) 555-0199',
    signature: 'Sam Rivera\nNorthwind Supply',
  },
  frequencyCap: parseFrequencyCap('3 per 7 days') ?? { count: 3, days: 7 },
  defaultTimeZone: 'America/Chicago',
  dashboardUrl: 'http://127.0.0.1:3000/',
};

let store: MemoryLeadStore;
let logger: ReturnType<typeof recordingLogger>;
let clock: Date;
let lead: Lead;

function touch() {
  return makeTouchHandler(
    {
      store,
      mailer: new SesMailer({
        client: new SESv2Client({ region: REGION, credentials: CREDENTIALS }),
        from: 'Sam at Northwind <sam@northwind.example>',
        configurationSet: 'followup-test',
      }),
      sms: new SnsSmsSender({
        client: new SNSClient({ region: REGION, credentials: CREDENTIALS }),
        originationNumber: '+12175550100',
      }),
      cadences: new StaticCadenceCatalog(ALL_CADENCES),
      templates,
      signingKey: async () => KEY,
      settings: SETTINGS,
      logger,
    },
    () => clock,
  );
}

const ENROLLMENT = 'web-inquiry-ld_test-0123456789abcdef';

function event(overrides: Partial<TouchEvent> = {}): TouchEvent {
  return {
    leadId: lead.leadId,
    enrollmentId: ENROLLMENT,
    cadenceId: 'web-inquiry',
    stepIndex: 0,
    stepId: 'instant-reply',
    channel: 'email',
    template: 'hello',
    scheduledAt: '2026-03-04T16:00:00Z',
    nextAt: '2026-03-05T16:00:00Z',
    ...overrides,
  };
}

const keyOf = (e: TouchEvent) => ({ leadId: e.leadId, enrollmentId: e.enrollmentId, stepIndex: e.stepIndex });
const sentEmails = (): SendEmailCommandInput[] =>
  ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
const header = (input: SendEmailCommandInput | undefined, name: string) =>
  input?.Content?.Simple?.Headers?.find((h) => h.Name === name)?.Value;

function save(next: Lead) {
  lead = next;
  store.leads.set(next.leadId, next);
}

beforeEach(() => {
  ses.reset();
  sns.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-message-1' });
  sns.on(PublishCommand).resolves({ MessageId: 'sns-message-1' });
  store = new MemoryLeadStore();
  logger = recordingLogger();
  clock = NOW;
  save(
    storedLead({
      email: EMAIL,
      name: 'Jordan Alvarez',
      company: 'Alvarez Landscaping',
      phone: '+13125550142',
      note: 'Opening a second yard',
    }),
  );
});

describe('touch: email', () => {
  it('sends one email with one-click unsubscribe, a routed Reply-To, the configuration set and PII-free tags', async () => {
    // Prepare
    const e = event();

    // Act
    const result = await touch()(e);

    // Assess
    expect(result).toEqual({ status: 'sent' });
    const [sent, ...more] = sentEmails();
    expect(more).toEqual([]);
    expect(sent?.Destination?.ToAddresses).toEqual([EMAIL]);
    expect(sent?.FromEmailAddress).toBe('Sam at Northwind <sam@northwind.example>');
    const unsubscribe = header(sent, 'List-Unsubscribe') ?? '';
    expect(unsubscribe).toMatch(/^<https:\/\/api\.northwind\.example\/u\/[^>]+>$/);
    expect(header(sent, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const token = unsubscribe.slice('<https://api.northwind.example/u/'.length, -1);
    expect(verifyToken(token, KEY)).toBe(lead.leadId);
    expect(sent?.ReplyToAddresses).toEqual([`reply+${token}@reply.northwind.example`]);
    expect(`reply+${token}`.length).toBeLessThanOrEqual(64);
    expect(sent?.ConfigurationSetName).toBe('followup-test');
    expect(sent?.EmailTags).toEqual([
      { Name: 'leadId', Value: lead.leadId },
      { Name: 'cadence', Value: 'web-inquiry' },
      { Name: 'step', Value: 'instant-reply' },
    ]);
    const tags = JSON.stringify(sent?.EmailTags);
    expect(tags).not.toMatch(/jordan|alvarez|@|5550142/i);
    for (const tag of sent?.EmailTags ?? []) expect(tag.Value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(sent?.Content?.Simple?.Subject?.Data).toBe('Thanks for contacting Northwind Supply');
    expect(sent?.Content?.Simple?.Body?.Text?.Data).toContain('Hi Jordan,');
    expect(sent?.Content?.Simple?.Body?.Text?.Data).toContain('400 N Wells St');
    expect(sent?.Content?.Simple?.Body?.Html?.Data).toContain('Alvarez Landscaping');
  });

  it('records the touch and what a rep sees on the lead', async () => {
    // Prepare
    const e = event();

    // Act
    await touch()(e);

    // Assess
    expect(store.touch(keyOf(e))).toMatchObject({
      status: 'sent',
      channel: 'email',
      template: 'hello',
      messageId: 'ses-message-1',
      at: NOW.toISOString(),
    });
    expect(store.leads.get(lead.leadId)).toMatchObject({
      lastContactAt: NOW.toISOString(),
      lastChannel: 'email',
      lastTemplate: 'hello',
      touchCount: 1,
      nextTouchAt: '2026-03-05T16:00:00.000Z',
    });
    expect(logger.lines.join('\n')).not.toMatch(/jordan|alvarez|example\.com/i);
  });

  it('turns SES throttling into TransientError and releases the claim, so the retry sends', async () => {
    // Prepare
    ses
      .on(SendEmailCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'Maximum sending rate exceeded', $metadata: {} }))
      .resolves({ MessageId: 'ses-message-2' });
    const e = event();

    // Act
    const failure = await touch()(e).catch((error: unknown) => error);
    const claimAfterFailure = store.touch(keyOf(e));
    const sendsAfterFailure = store.leads.get(lead.leadId)?.recentSends;
    const retry = await touch()(e);

    // Assess
    expect(failure).toMatchObject({ name: 'TransientError' });
    expect(claimAfterFailure).toBeUndefined();
    expect(sendsAfterFailure).toEqual([]);
    expect(retry).toEqual({ status: 'sent' });
    expect(store.touch(keyOf(e))).toMatchObject({ status: 'sent', messageId: 'ses-message-2' });
  });

  it('fails with the permanent error SendRejected on MessageRejected, and records the failure', async () => {
    // Prepare
    ses
      .on(SendEmailCommand)
      .rejects(new MessageRejected({ message: 'Email address is not verified', $metadata: {} }));
    const e = event();

    // Act
    const failure = await touch()(e).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({ name: 'SendRejected', reason: 'MessageRejected' });
    expect(store.touch(keyOf(e))).toMatchObject({ status: 'failed', reason: 'MessageRejected' });
  });

  it('sends nothing when an earlier attempt already claimed the touch', async () => {
    // Prepare
    const e = event();
    const claim: TouchRecord = {
      ...keyOf(e),
      cadenceId: e.cadenceId,
      stepId: e.stepId,
      channel: 'email',
      template: 'hello',
      scheduledAt: e.scheduledAt,
      status: 'claimed',
      at: NOW.toISOString(),
    };
    await store.claimTouch(claim);

    // Act
    const result = await touch()(e);

    // Assess
    expect(result).toEqual({ status: 'duplicate', reason: 'claimed' });
    expect(sentEmails()).toEqual([]);
  });

  it('skips a lead that is over the frequency cap, and counts only sends inside the window', async () => {
    // Prepare
    const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
    save({ ...lead, recentSends: [`${daysAgo(1)}|a#0`, `${daysAgo(2)}|b#0`, `${daysAgo(3)}|c#0`] });
    const capped = event();

    // Act
    const result = await touch()(capped);

    // Assess
    expect(result).toEqual({ status: 'skipped', reason: 'frequency-cap' });
    expect(store.touch(keyOf(capped))).toMatchObject({ status: 'skipped', reason: 'frequency-cap' });
    expect(sentEmails()).toEqual([]);

    // Prepare: one of the three falls out of the 7-day window
    save({ ...lead, recentSends: [`${daysAgo(8)}|a#0`, `${daysAgo(2)}|b#0`, `${daysAgo(3)}|c#0`] });

    // Act
    const later = await touch()(event({ stepIndex: 2, stepId: 'later' }));

    // Assess
    expect(later).toEqual({ status: 'sent' });
    expect(store.leads.get(lead.leadId)?.recentSends).toHaveLength(3);
  });

  it('sends a transactional (immediate) touch to a lead over the frequency cap, and leaves its allowance as it was', async () => {
    // Prepare: three sends inside the 7-day window, the cap's limit
    const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
    const recentSends = [`${daysAgo(1)}|a#0`, `${daysAgo(2)}|b#0`, `${daysAgo(3)}|c#0`];
    save({ ...lead, recentSends });

    // Act
    const result = await touch()(event({ transactional: true }));

    // Assess: the answer to what the lead just did goes out; marketing touches keep their full allowance
    expect(result).toEqual({ status: 'sent' });
    expect(sentEmails()).toHaveLength(1);
    expect(store.leads.get(lead.leadId)?.recentSends).toEqual(recentSends);
  });

  it('skips a suppressed address', async () => {
    // Prepare
    const { suppressionKey } = await import('../../../../functions/domain/lead.ts');
    store.suppressed.add(suppressionKey(EMAIL));

    // Act
    const result = await touch()(event());

    // Assess
    expect(result).toEqual({ status: 'skipped', reason: 'suppressed' });
    expect(sentEmails()).toEqual([]);
  });
});

describe('touch: exits', () => {
  it('throws LeadExited for a lead who replied when the cadence exits on reply, and frees its slot', async () => {
    // Prepare
    save({ ...lead, status: 'replied' });
    await store.claimActive({
      leadId: lead.leadId,
      cadenceId: 'web-inquiry',
      enrollmentId: ENROLLMENT,
      inputJson: '{}',
      createdAt: NOW.toISOString(),
      endsAt: '2026-06-01T00:00:00Z',
    });

    // Act
    const failure = await touch()(event()).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({ name: 'LeadExited' });
    expect(sentEmails()).toEqual([]);
    expect(store.active.size).toBe(0);
  });

  it('keeps going for a cadence that does not exit on replies (a cart reminder)', async () => {
    // Prepare
    save({ ...lead, status: 'replied' });

    // Act
    const result = await touch()(event({ cadenceId: 'abandoned-cart', stepId: 'saved-cart' }));

    // Assess
    expect(result).toEqual({ status: 'sent' });
  });

  it('throws LeadExited for a lead that no longer exists', async () => {
    // Prepare
    store.leads.clear();

    // Act
    const failure = await touch()(event()).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({ name: 'LeadExited' });
  });
});

describe('touch: SMS', () => {
  const sms = (overrides: Partial<TouchEvent> = {}) =>
    event({ stepIndex: 2, stepId: 'text-offer', channel: 'sms', template: 'quick-text', ...overrides });
  const consent = {
    at: '2026-03-02T15:00:00.000Z',
    source: 'https://www.northwind.example/contact',
    wording: 'Texts OK',
  };

  it('skips a lead without SMS consent and publishes nothing', async () => {
    // Prepare
    const e = sms();

    // Act
    const result = await touch()(e);

    // Assess
    expect(result).toEqual({ status: 'skipped', reason: 'no-sms-consent' });
    expect(sns.commandCalls(PublishCommand)).toEqual([]);
    expect(store.touch(keyOf(e))).toMatchObject({ status: 'skipped', reason: 'no-sms-consent' });
  });

  it('texts a consenting lead, promotional, from the origination number, with the opt-out line the first time', async () => {
    // Prepare
    save({ ...lead, smsConsent: consent });

    // Act
    const first = await touch()(sms());
    const second = await touch()(sms({ stepIndex: 3, stepId: 'text-again' }));

    // Assess
    expect([first, second]).toEqual([{ status: 'sent' }, { status: 'sent' }]);
    const [one, two] = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(one?.PhoneNumber).toBe('+13125550142');
    expect(one?.Message).toMatch(/^Hi Jordan, Sam at Northwind Supply\..* Reply STOP to opt out\.$/);
    expect(two?.Message).not.toContain('Reply STOP');
    expect(one?.MessageAttributes?.['AWS.SNS.SMS.SMSType']?.StringValue).toBe('Promotional');
    expect(one?.MessageAttributes?.['AWS.MM.SMS.OriginationNumber']?.StringValue).toBe('+12175550100');
  });

  it("holds texts in the lead's quiet hours (before 08:00 or from 21:00 local)", async () => {
    // Prepare
    save({ ...lead, smsConsent: consent, zone: 'America/Los_Angeles' });
    clock = new Date('2026-03-04T14:30:00Z'); // 06:30 in Los Angeles, 08:30 in Chicago

    // Act
    const result = await touch()(sms());

    // Assess
    expect(result).toEqual({ status: 'skipped', reason: 'quiet-hours' });
    expect(sns.commandCalls(PublishCommand)).toEqual([]);
  });
});

describe('touch: calls', () => {
  it('creates a task for the owner and emails them the lead, the script and a link, with no placeholders', async () => {
    // Prepare
    const e = event({ stepIndex: 1, stepId: 'first-call', channel: 'call', template: 'first-call' });

    // Act
    const result = await touch()(e);

    // Assess
    expect(result).toEqual({ status: 'sent' });
    expect(store.tasks).toEqual([
      expect.objectContaining({
        leadId: lead.leadId,
        channel: 'call',
        owner: 'sam@northwind.example',
        title: 'Call Jordan Alvarez about their question',
        script: expect.stringContaining('Your note: Opening a second yard'),
        dueAt: e.scheduledAt,
      }),
    ]);
    const [mail, ...more] = sentEmails();
    expect(more).toEqual([]);
    expect(mail?.Destination?.ToAddresses).toEqual(['sam@northwind.example']);
    expect(mail?.Content?.Simple?.Subject?.Data).toBe('Call Jordan Alvarez about their question');
    const text = mail?.Content?.Simple?.Body?.Text?.Data ?? '';
    for (const detail of [EMAIL, '+13125550142', 'Alvarez Landscaping', 'Goal: answer what they asked']) {
      expect(text).toContain(detail);
    }
    expect(text).toContain(`http://127.0.0.1:3000/leads/${lead.leadId}`);
    expect(text).not.toMatch(/\{\{|\{%|undefined/);
    expect(header(mail, 'List-Unsubscribe')).toBeUndefined();
  });
});

describe('touch: payload', () => {
  it('fails loudly on a payload the definition never sends', async () => {
    // Prepare
    const bad = { ...event(), stepIndex: 'first' };

    // Act
    const failure = await touch()(bad).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({ name: 'InvalidPayload' });
    expect(sentEmails()).toEqual([]);
  });
});
