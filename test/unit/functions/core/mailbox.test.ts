import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../../../functions/adapters/ses-mailer.ts';
import { ConfigInvalid, parseConfig } from '../../../../functions/core/config.ts';
import { formatMailbox, MailboxInvalid } from '../../../../functions/core/mailbox.ts';
import { settingsFromConfig } from '../../../../functions/runtime/settings.ts';
import { CREDENTIALS, REGION, TEST_OUTPUTS } from '../../../support/handler-fixtures.ts';

const ses = mockClient(SESv2Client);
const ADDRESS = 'sales@acme.example';

/** What a mail reader makes of a From header: the name and the address mailparser decodes. */
async function readFrom(mailbox: string) {
  const mail = await simpleParser(`From: ${mailbox}\r\nTo: lead@example.com\r\nSubject: hi\r\n\r\nhello\r\n`);
  const [from] = mail.from?.value ?? [];
  return { name: from?.name, address: from?.address };
}

// RFC 5322 §3.4: a display name is atoms, a quoted-string or (RFC 2047) encoded-words; a comma or a dot is neither.
const ATOM = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~]+";
const QUOTED = '"(?:[^"\\\\]|\\\\.)*"';
const WORD = '=\\?UTF-8\\?B\\?[A-Za-z0-9+/=]*\\?=';
const MAILBOX = new RegExp(`^(?:${ATOM}(?: ${ATOM})*|${QUOTED}|${WORD}(?: ${WORD})*) <[^<>\\s]+@[^<>\\s]+>$`);

/** What SES takes as FromEmailAddress: one RFC 5322 mailbox, 7-bit ASCII, encoded-words of at most 75 characters. */
function sesAccepts(mailbox: string) {
  expect(mailbox).toMatch(/^[\x20-\x7e]+$/);
  expect(mailbox).toMatch(MAILBOX);
  for (const word of mailbox.match(/=\?[^?]+\?[BQ]\?[^?]*\?=/g) ?? [])
    expect(word.length).toBeLessThanOrEqual(75);
  expect(`From: ${mailbox}`.length).toBeLessThanOrEqual(998);
}

const config = (senderName: string) => ({
  business: {
    name: 'Acme',
    postalAddress: '1 Main Street, Springfield, IL 62701',
    website: 'https://acme.example',
  },
  sender: { email: ADDRESS, name: senderName, identity: 'acme.example' },
  replyDomain: 'reply.acme.example',
  owner: { name: 'Sam Lee', email: 'sam@acme.example' },
  allowedOrigins: ['https://acme.example'],
  defaultTimeZone: 'America/Chicago',
  defaultCadence: 'web-inquiry',
  formCadences: ['web-inquiry'],
  frequencyCap: '3 per 7 days',
});
const CADENCES = new Set(['web-inquiry']);

beforeEach(() => {
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'sent-1' });
});

describe('formatMailbox', () => {
  it.each([
    ['Acme, Inc. Sales', '"Acme, Inc. Sales" <sales@acme.example>'],
    ['O\'Brien "Sales"', '"O\'Brien \\"Sales\\"" <sales@acme.example>'],
    ['Sam at Northwind', 'Sam at Northwind <sales@acme.example>'],
  ])('quotes an ASCII name with specials only when it must: %s', async (name, header) => {
    // Act
    const mailbox = formatMailbox(name, ADDRESS);

    // Assess
    expect(mailbox).toBe(header);
    sesAccepts(mailbox);
    expect(await readFrom(mailbox)).toEqual({ name, address: ADDRESS });
  });

  it.each(['José from Café Ñ', 'Zoë 😀', 'Müller & Söhne, Köln', '株式会社アクメ 営業部'])(
    'encodes a non-ASCII name as RFC 2047 words that decode back to it: %s',
    async (name) => {
      // Act
      const mailbox = formatMailbox(name, ADDRESS);

      // Assess
      expect(mailbox).toMatch(/^=\?UTF-8\?B\?/);
      sesAccepts(mailbox);
      expect(await readFrom(mailbox)).toEqual({ name, address: ADDRESS });
    },
  );

  it('splits a long name between characters, never inside one: every word decodes on its own', () => {
    // Prepare: characters from outside the emoji planes too, which libmime's own splitter cuts in half
    const name = '𝒜𝒸𝓂ℯ 𠀀𠀁𠀂 Ünïcödé 🙂'.repeat(4);

    // Act
    const words = formatMailbox(name, ADDRESS).split(' <')[0]?.split(' ') ?? [];

    // Assess
    expect(words.length).toBeGreaterThan(1);
    const decoded = words.map((w) =>
      Buffer.from(w.slice('=?UTF-8?B?'.length, -2), 'base64').toString('utf8'),
    );
    expect(decoded.join('')).toBe(name);
    expect(decoded.join('')).not.toContain('\uFFFD');
  });

  it('any one-line name round-trips through mailparser from a header SES accepts', async () => {
    const name = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
      .map((s) => s.replace(/\s+/g, ' ').trim())
      .filter((s) => s.length > 0);
    await fc.assert(
      fc.asyncProperty(name, async (n) => {
        const mailbox = formatMailbox(n, ADDRESS);
        sesAccepts(mailbox);
        expect(await readFrom(mailbox)).toEqual({ name: n, address: ADDRESS });
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['a line break', 'Acme\r\nBcc: victim@example.com'],
    ['a newline', 'Acme\nSales'],
    ['NUL', 'Acme\u0000'],
  ])('refuses a name with %s, saying why', (_, name) => {
    // Act
    const act = () => formatMailbox(name, ADDRESS);

    // Assess
    expect(act).toThrow(MailboxInvalid);
    expect(act).toThrow(/control character/);
  });

  it('refuses an address SES cannot send from', () => {
    expect(() => formatMailbox('Acme', 'ventas@acmé.example')).toThrow(/punycode/);
  });
});

describe('the configured sender', () => {
  it.each(['Acme, Inc. Sales', 'José from Café Ñ', 'Zoë 😀', 'O\'Brien "Sales"'])(
    '%s reaches SES as a From address it accepts, in touches and forwards alike',
    async (name) => {
      // Prepare
      const settings = settingsFromConfig(
        parseConfig(config(name), 'followup.config.json', CADENCES),
        TEST_OUTPUTS,
      );
      const mailer = new SesMailer({
        client: new SESv2Client({ region: REGION, credentials: CREDENTIALS }),
        from: settings.senderEmail,
      });

      // Act
      await mailer.send({ to: 'lead@example.com', subject: 'Hello', text: 'Hi' });

      // Assess
      const from = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.FromEmailAddress ?? '';
      sesAccepts(from);
      expect(await readFrom(from)).toEqual({ name, address: ADDRESS });
    },
  );

  it('a sender name SES cannot take is a config error that names the field', () => {
    // Act
    const act = () =>
      parseConfig(config('Acme\r\nBcc: everyone@example.com'), 'followup.config.json', CADENCES);

    // Assess
    expect(act).toThrow(ConfigInvalid);
    expect(act).toThrow(/sender\.name: the display name contains a control character/);
  });
});
