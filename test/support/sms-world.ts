import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach } from 'vitest';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import { SnsOptOutList } from '../../functions/adapters/sns-opt-out-list.ts';
import { SnsSmsSender } from '../../functions/adapters/sns-sms-sender.ts';
import type { SmsOptOuts } from '../../functions/domain/inbound-sms.ts';
import { readSmsReply } from '../../functions/domain/sms-reply.ts';
import { makeSmsInboundHandler } from '../../functions/handlers/sms-inbound.ts';
import { CREDENTIALS, enrolled, FALLBACK, OWNER, REGION, type World, world } from './signal-fixtures.ts';

/*
 * The inbound-SMS tests' world: a lead with SMS consent enrolled in web-inquiry, the real handler on SNS and SES
 * clients mocked with aws-sdk-client-mock, and a text to our number as two-way SMS publishes it.
 */

export const sns = mockClient(SNSClient);
export const ses = mockClient(SESv2Client);

export const NOW = new Date('2026-03-05T18:00:00Z');
export const RECEIVED_AT = '2026-03-05T17:59:30.000Z';
export const EMAIL = 'jordan.alvarez@example.com';
export const PHONE = '+13125550142';
export const OURS = '+12175550100';

const snsClient = () => new SNSClient({ region: REGION, credentials: CREDENTIALS });
/** The number's opt-outs managed by AWS: its list is asked through SNS, as the deployed function asks it. */
export const AWS_MANAGED: SmsOptOuts = { mode: 'aws', list: new SnsOptOutList(snsClient()) };

let current: { w: World; leadId: string } | undefined;
const now = () => {
  if (!current) throw new Error('call useSmsWorld() in the test file');
  return current;
};

/** A fresh world and enrolled lead before each test of the calling file; `ready` receives them. */
export function useSmsWorld(ready: (w: World, leadId: string) => void): void {
  beforeEach(async () => {
    sns.reset();
    ses.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'sns-out-1' });
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-out-1' });
    const w = world();
    const { leadId } = await enrolled(
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
    );
    current = { w, leadId };
    ready(w, leadId);
  });
}

export const handler = (optOuts: SmsOptOuts = { mode: 'self' }) => {
  const forwards = {
    ...now().w.deps,
    mailer: new SesMailer({
      client: new SESv2Client({ region: REGION, credentials: CREDENTIALS }),
      from: 'Followup <followup@northwind.example>',
    }),
    ownerEmail: OWNER,
    fallbackEmail: FALLBACK,
  };
  return makeSmsInboundHandler({
    ...forwards,
    sms: new SnsSmsSender({ client: snsClient() }),
    texts: { businessName: 'Northwind Supply', ownerEmail: OWNER, ownerPhone: '(312) 555-0199' },
    optOuts,
    // A person's text goes to the reader (ReadReply on Lambda), here in process.
    reader: { readSms: (message) => readSmsReply(forwards, message, NOW) },
    clock: () => NOW,
  });
};

/** A text to our number, as two-way SMS publishes it to the SNS topic. */
export function text(body: string, id = 'in-1', from = PHONE) {
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
            messageKeyword: 'KEYWORD_123456789012',
            messageBody: body,
            inboundMessageId: id,
          }),
        },
      },
    ],
  };
}

/** The texts sent, and the emails sent. */
export const texts = () =>
  sns
    .commandCalls(PublishCommand)
    .map((c) => ({ to: c.args[0].input.PhoneNumber, text: c.args[0].input.Message }));
export const emails = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
export const lead = () => now().w.store.leads.get(now().leadId);
