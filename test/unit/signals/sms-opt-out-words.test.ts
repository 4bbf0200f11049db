import './env.ts';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { CheckIfPhoneNumberIsOptedOutCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../../functions/adapters/ses-mailer.ts';
import { SnsOptOutList } from '../../../functions/adapters/sns-opt-out-list.ts';
import { SnsSmsSender } from '../../../functions/adapters/sns-sms-sender.ts';
import type { SmsOptOuts } from '../../../functions/domain/inbound-sms.ts';
import { suppressionKey } from '../../../functions/domain/lead.ts';
import { makeSmsInboundHandler } from '../../../functions/handlers/sms-inbound.ts';
import { CREDENTIALS, enrolled, FALLBACK, OWNER, REGION, type World, world } from './fixtures.ts';

/* A text that asks to stop in words: honoured at once, like STOP, with the words on record. */

const sns = mockClient(SNSClient);
const ses = mockClient(SESv2Client);

const NOW = new Date('2026-03-05T18:00:00Z');
const RECEIVED_AT = '2026-03-05T17:59:30.000Z';
const EMAIL = 'jordan.alvarez@example.com';
const PHONE = '+13125550142';
const OURS = '+12175550100';
const CONFIRMATION =
  "You're unsubscribed from Northwind Supply texts. No more messages. Reply START to resubscribe.";

let w: World;
let leadId: string;

const snsClient = () => new SNSClient({ region: REGION, credentials: CREDENTIALS });
const AWS_MANAGED: SmsOptOuts = { mode: 'aws', list: new SnsOptOutList(snsClient()) };

const handler = (optOuts: SmsOptOuts = { mode: 'self' }) =>
  makeSmsInboundHandler({
    ...w.deps,
    sms: new SnsSmsSender({ client: snsClient() }),
    mailer: new SesMailer({
      client: new SESv2Client({ region: REGION, credentials: CREDENTIALS }),
      from: 'Followup <followup@northwind.example>',
    }),
    texts: { businessName: 'Northwind Supply', ownerEmail: OWNER },
    optOuts,
    ownerEmail: OWNER,
    fallbackEmail: FALLBACK,
    clock: () => NOW,
  });

function text(body: string, id = 'in-1', from = PHONE) {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        Sns: {
          MessageId: `sns-${id}`,
          Timestamp: RECEIVED_AT,
          Message: JSON.stringify({
            originationNumber: from,
            destinationNumber: OURS,
            messageBody: body,
            inboundMessageId: id,
          }),
        },
      },
    ],
  };
}

const texts = () =>
  sns
    .commandCalls(PublishCommand)
    .map((c) => ({ to: c.args[0].input.PhoneNumber, text: c.args[0].input.Message }));
const emails = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
const lead = () => w.store.leads.get(leadId);

beforeEach(async () => {
  sns.reset();
  ses.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'sns-out-1' });
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-out-1' });
  w = world();
  ({ leadId } = await enrolled(
    w,
    {
      email: EMAIL,
      name: 'Jordan Alvarez',
      phone: PHONE,
      smsConsent: {
        at: '2026-03-04T15:30:00Z',
        source: 'https://northwind.example/quote',
        wording: 'Texts OK',
      },
    },
    'web-inquiry',
    new Date('2026-03-04T15:30:00Z'),
  ));
});

describe('an opt-out in words, self-managed opt-outs', () => {
  it.each([
    ['please stop texting me', 'stop texting me'],
    ['remove me from your texts', 'remove me from your texts'],
    ["wrong number, don't text me again", "don't text me again"],
    ['Stop please', 'Stop please'],
  ])(
    '"%s" revokes consent with its words and time, suppresses the number, confirms once and tells the owner',
    async (body, words) => {
      // Act
      const [result] = await handler()(text(body));

      // Assess
      expect(result).toMatchObject({ intent: 'opt-out', leadId, outcome: 'applied' });
      expect(lead()?.smsConsent).toBeUndefined();
      expect(lead()?.smsOptedOutAt).toBe(RECEIVED_AT);
      expect(await w.store.isSuppressed([suppressionKey(PHONE)])).toBe(true);
      expect(w.store.events.filter((e) => e.kind === 'sms-stop').map((e) => [e.at, e.detail])).toEqual([
        [RECEIVED_AT, { signalId: 'sms:in-1', words }],
      ]);
      expect(texts()).toEqual([{ to: PHONE, text: CONFIRMATION }]);
      const [forward, ...more] = emails();
      expect(more).toEqual([]);
      expect(forward?.Destination?.ToAddresses).toEqual([OWNER]);
      expect(forward?.Content?.Simple?.Body?.Text?.Data).toContain(
        `They asked to stop ("${words}"): their SMS consent is revoked and the number suppressed.`,
      );
      expect(forward?.Content?.Simple?.Body?.Text?.Data).toContain(body);
    },
  );

  it('a redelivered opt-out sends no second confirmation', async () => {
    // Prepare
    await handler()(text('please stop texting me'));

    // Act
    const [again] = await handler()(text('please stop texting me'));

    // Assess
    expect(again?.outcome).toBe('duplicate');
    expect(texts()).toHaveLength(1);
    expect(emails()).toHaveLength(1);
  });

  it('"stop emailing me" by text unsubscribes the email too', async () => {
    // Act
    await handler()(text('Stop emailing me'));

    // Assess
    expect(lead()?.status).toBe('unsubscribed');
    expect(await w.store.isSuppressed([suppressionKey(EMAIL)])).toBe(true);
    expect(lead()?.smsConsent).toBeUndefined();
  });

  it('a number no lead has: suppressed, confirmed once, and the text reaches a person', async () => {
    // Prepare
    const stranger = '+14155550123';

    // Act
    await handler()(text("wrong number, don't text me again", 'in-7', stranger));
    await handler()(text("wrong number, don't text me again", 'in-7', stranger));

    // Assess
    expect(await w.store.isSuppressed([suppressionKey(stranger)])).toBe(true);
    expect(texts()).toEqual([{ to: stranger, text: CONFIRMATION }]);
    expect(emails().map((e) => e.Destination?.ToAddresses)).toEqual([[FALLBACK]]);
  });

  it.each(['I will stop by Tuesday', "Don't stop, this is great", 'Can we stop at 3?'])(
    '"%s" is a reply: consent stands',
    async (body) => {
      // Act
      const [result] = await handler()(text(body));

      // Assess
      expect(result).toMatchObject({ intent: 'message' });
      expect(lead()?.smsConsent).toMatchObject({ wording: 'Texts OK' });
      expect(await w.store.isSuppressed([suppressionKey(PHONE)])).toBe(false);
      expect(texts()).toEqual([]);
    },
  );

  it('a keyword-only STOP is still the keyword: no forward, one confirmation', async () => {
    // Act
    const [result] = await handler()(text('STOP'));

    // Assess
    expect(result).toMatchObject({ intent: 'stop' });
    expect(texts()).toEqual([{ to: PHONE, text: CONFIRMATION }]);
    expect(emails()).toEqual([]);
  });
});

describe('an opt-out in words, opt-outs managed by AWS', () => {
  const optedOutAtAws = (isOptedOut: boolean) =>
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolves({ isOptedOut });

  it('words AWS did not read as a keyword are confirmed by Followup, once', async () => {
    // Prepare
    optedOutAtAws(false);

    // Act
    const [result] = await handler(AWS_MANAGED)(text('remove me from your texts'));

    // Assess
    expect(result).toMatchObject({ intent: 'opt-out', outcome: 'applied' });
    expect(lead()?.smsConsent).toBeUndefined();
    expect(await w.store.isSuppressed([suppressionKey(PHONE)])).toBe(true);
    expect(texts()).toEqual([{ to: PHONE, text: CONFIRMATION }]);
  });

  it('words that began with an AWS keyword ("Stop texting me") were confirmed by AWS: Followup sends nothing', async () => {
    // Prepare
    optedOutAtAws(true);

    // Act
    const [result] = await handler(AWS_MANAGED)(text('Stop texting me'));

    // Assess
    expect(result).toMatchObject({ intent: 'opt-out', outcome: 'applied' });
    expect(lead()?.smsConsent).toBeUndefined();
    expect(texts()).toEqual([]);
    expect(sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand).map((c) => c.args[0].input)).toEqual([
      { phoneNumber: PHONE },
    ]);
  });
});
