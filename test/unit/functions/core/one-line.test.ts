import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseMime } from '../../../../functions/adapters/mime.ts';
import { SesMailer } from '../../../../functions/adapters/ses-mailer.ts';
import { ONE_LINE_MAX, oneLine } from '../../../../functions/core/one-line.ts';
import {
  type ReceivedMessage,
  replyForward,
  unmatchedForward,
} from '../../../../functions/domain/forward.ts';
import type { Receipt } from '../../../../functions/domain/inbound-email.ts';
import { CREDENTIALS, REGION, storedLead } from '../../../support/handler-fixtures.ts';

/*
 * One-line fields are one line: a header value built from outside text loses its controls and bidi characters, so
 * a name or a subject can neither add a header (CR/LF) nor read differently from what it says (U+202E).
 */

const ses = mockClient(SESv2Client);
const AT = '2026-03-04T15:30:00.000Z';

beforeEach(() => {
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'msg-1' });
});

describe('oneLine', () => {
  it.each([
    ['a CRLF and an injected header', 'Hi\r\nBcc: all@evil.example', 'Hi Bcc: all@evil.example'],
    ['a NUL', 'Jor\u0000dan', 'Jor dan'],
    ['a C1 control (NEL) and ESC', 'a\u0085b\u001b[31mc', 'a b [31mc'],
    ['a right-to-left override', 'invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['bidi isolates and marks', '\u2066a\u2069\u200e\u200fb\u061c', 'ab'],
    ['line and paragraph separators', 'one\u2028two\u2029three', 'one two three'],
    ['runs of whitespace and tabs', '  Jordan \t\t Lee  ', 'Jordan Lee'],
    ['half a surrogate pair', 'a\ud800b', 'a\ufffdb'],
    ['nothing but controls', '\r\n\u202e\u0000', ''],
    ['accents, CJK and emoji', 'Zoë 山田 👩🏽‍💻', 'Zoë 山田 👩🏽‍💻'],
  ])('%s', (_, input, expected) => {
    expect(oneLine(input)).toBe(expected);
  });

  it('bounds the length, cutting between characters and saying so', () => {
    // Act
    const cut = oneLine(`${'a'.repeat(ONE_LINE_MAX - 2)}👩🏽‍💻 tail`);
    const short = oneLine('Jordan Lee', 6);

    // Assess
    expect(cut.length).toBeLessThanOrEqual(ONE_LINE_MAX);
    expect(cut).toBe(`${'a'.repeat(ONE_LINE_MAX - 2)}…`);
    expect(short).toBe('Jorda…');
  });
});

const lead = storedLead({ email: 'jordan@example.com', name: 'Jordan\r\nBcc: all@evil.example\u202E' });
const reply: ReceivedMessage = {
  channel: 'email',
  from: 'jordan@example.com',
  subject: 'Re: quote\r\nBcc: all@evil.example\u0000',
  text: 'Yes please.',
  receivedAt: AT,
};

describe('forwards', () => {
  it("a reply forward's subject is one line, whatever the lead's name and the reply's subject hold", () => {
    // Act
    const { subject } = replyForward(lead, reply, { to: 'sam@northwind.example', zone: 'UTC', stopped: [] });

    // Assess
    expect(subject).toBe('Reply from Jordan Bcc: all@evil.example: Re: quote Bcc: all@evil.example');
  });

  it("an unmatched forward's subject is one line", () => {
    // Act
    const { subject } = unmatchedForward(reply, 'inbox@northwind.example', 'spam');

    // Assess
    expect(subject).toBe('Unmatched reply, flagged as spam: Re: quote Bcc: all@evil.example');
  });
});

describe('inbound MIME', () => {
  it('an encoded-word subject and sender name that decode to CR/LF and U+202E are read as one line', async () => {
    // Prepare
    const word = (text: string) => `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;
    const raw = [
      `From: ${word('Jordan\r\nBcc: x@evil.example\u202E')} <jordan@example.com>`,
      'To: reply+t@reply.northwind.example',
      `Subject: ${word('Re: quote\r\nBcc: x@evil.example')}`,
      '',
      'Yes please.',
    ].join('\r\n');
    const receipt = { messageId: 'm-1', receivedAt: AT, recipients: [], verdicts: {} } as unknown as Receipt;

    // Act
    const mail = await parseMime(raw, receipt);

    // Assess
    expect(mail.subject).toBe('Re: quote Bcc: x@evil.example');
    expect(mail.fromName).toBe('Jordan Bcc: x@evil.example');
  });
});

describe('SesMailer', () => {
  it('hands SES a one-line subject, Reply-To and header values whoever built the email', async () => {
    // Prepare
    const mailer = new SesMailer({
      client: new SESv2Client({ region: REGION, credentials: CREDENTIALS }),
      from: 'sam@northwind.example',
    });

    // Act
    await mailer.send({
      to: 'sam@northwind.example',
      subject: 'Hi\r\nBcc: all@evil.example\u202E',
      text: 'body\r\nstays as it is',
      replyTo: ['jordan@example.com\r\nBcc: all@evil.example'],
      headers: [{ name: 'X-Lead', value: 'a\nb' }],
    });

    // Assess
    const [call] = ses.commandCalls(SendEmailCommand);
    const input = call?.args[0].input;
    expect(input?.Content?.Simple?.Subject?.Data).toBe('Hi Bcc: all@evil.example');
    expect(input?.ReplyToAddresses).toEqual(['jordan@example.com Bcc: all@evil.example']);
    expect(input?.Content?.Simple?.Headers).toEqual([{ Name: 'X-Lead', Value: 'a b' }]);
    expect(input?.Content?.Simple?.Body?.Text?.Data).toBe('body\r\nstays as it is');
  });
});
