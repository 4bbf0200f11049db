import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SendTarget } from '../../../../bin/cadence-test/targets.ts';
import { cadenceTest } from '../../../../bin/commands/cadence-test.ts';
import { SesMailer } from '../../../../functions/adapters/ses-mailer.ts';
import { SnsSmsSender } from '../../../../functions/adapters/sns-sms-sender.ts';
import { UsageError } from '../../../../functions/core/errors.ts';
import type { TouchSettings } from '../../../../functions/domain/touch-input.ts';

/*
 * `followup cadence test FILE --to ADDRESS`: one message per touch through the Touch function's delivery, every
 * subject prefixed [TEST], every message to the test address, nothing written to a table.
 */

const FILE = 'cadences/web-inquiry.json';
const OPTIONS = { to: 'me@example.com', templates: 'templates', cadences: 'cadences' } as const;
const SETTINGS: TouchSettings = {
  unsubscribeBaseUrl: 'https://followup.example/u/',
  replyDomain: 'reply.example.com',
  business: { name: 'Northwind Supply', postalAddress: '400 N Wells St, Chicago, IL 60654' },
  owner: { name: 'Sam Rivera', firstName: 'Sam', email: 'sam@northwind.example', signature: 'Sam Rivera' },
  frequencyCap: { count: 3, days: 7 } as unknown as TouchSettings['frequencyCap'],
  defaultTimeZone: 'America/Chicago',
};

const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const dynamodb = mockClient(DynamoDBClient);

function target(): SendTarget {
  return {
    mailer: new SesMailer({
      client: new SESv2Client({ region: 'us-east-1' }),
      from: 'Sam <sam@northwind.example>',
    }),
    sms: new SnsSmsSender({ client: new SNSClient({ region: 'us-east-1' }) }),
    settings: SETTINGS,
    label: 'the mocked SES',
    close: () => {},
  };
}

const noPause = async () => {};
const sentEmails = () => ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input);

beforeEach(() => {
  ses.reset();
  sns.reset();
  dynamodb.reset();
  let n = 0;
  ses.on(SendEmailCommand).callsFake(async () => ({ MessageId: `m-${++n}` }));
  sns.on(PublishCommand).resolves({ MessageId: 'sms-1' });
});
afterEach(() => {
  ses.reset();
  sns.reset();
  dynamodb.reset();
});

describe('cadence test', () => {
  it('sends one [TEST] email per touch to the test address, texts shown in an email without --phone', async () => {
    // Act
    const { sent } = await cadenceTest(FILE, OPTIONS, target(), noPause);

    // Assess: web-inquiry has 8 touches (emails, calls and texts), each one message.
    const emails = sentEmails();
    expect(sent).toHaveLength(8);
    expect(emails).toHaveLength(8);
    for (const email of emails) {
      expect(email.Content?.Simple?.Subject?.Data).toMatch(/^\[TEST\] /);
      expect(email.Destination?.ToAddresses).toEqual(['me@example.com']);
    }
    expect(sent.map((s) => s.step)).toEqual([
      'instant-reply',
      'first-call',
      'three-questions',
      'text-offer',
      'second-call',
      'start-small',
      'timing-text',
      'door-open',
    ]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(dynamodb.calls()).toHaveLength(0);
  });

  it('renders an email touch as the Touch function does: the unsubscribe headers and the postal address', async () => {
    await cadenceTest(FILE, OPTIONS, target(), noPause);

    const first = sentEmails()[0];
    const headers = first?.Content?.Simple?.Headers?.map((h) => h.Name);
    expect(headers).toEqual(['List-Unsubscribe', 'List-Unsubscribe-Post']);
    expect(first?.Content?.Simple?.Body?.Text?.Data).toContain('400 N Wells St');
    expect(first?.ReplyToAddresses?.[0]).toMatch(/^reply\+.+@reply\.example\.com$/);
  });

  it('sends the texts to --phone, the first one with how to stop', async () => {
    const { sent } = await cadenceTest(FILE, { ...OPTIONS, phone: '+13125550142' }, target(), noPause);

    const texts = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(texts.map((t) => t.PhoneNumber)).toEqual(['+13125550142', '+13125550142']);
    expect(texts[0]?.Message).toContain('Reply STOP to opt out.');
    expect(texts[1]?.Message).not.toContain('Reply STOP to opt out.');
    expect(sent.filter((s) => s.via === 'sms')).toHaveLength(2);
    expect(sentEmails()).toHaveLength(6);
  });

  it('refuses a missing address and a phone number that is not E.164, naming the flag', async () => {
    await expect(cadenceTest(FILE, { ...OPTIONS, to: '' }, target(), noPause)).rejects.toThrow(/--to/);
    await expect(cadenceTest(FILE, { ...OPTIONS, phone: '312-555' }, target(), noPause)).rejects.toThrow(
      UsageError,
    );
    expect(sentEmails()).toHaveLength(0);
  });
});
