import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseMime } from '../../functions/adapters/mime.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import { ONE_LINE_MAX } from '../../functions/core/one-line.ts';
import { renderTemplate } from '../../functions/core/templates.ts';
import { type ReceivedMessage, replyForward, unmatchedForward } from '../../functions/domain/forward.ts';
import { parseSubmission } from '../../functions/domain/lead-input.ts';
import { ownerTaskEmail } from '../../functions/domain/owner-task-email.ts';
import type { OutgoingEmail } from '../../functions/domain/ports.ts';
import { templateContext } from '../../functions/domain/touch-delivery.ts';
import { CREDENTIALS, REGION, storedLead, TOUCH_SETTINGS } from '../support/handler-fixtures.ts';

/*
 * Whatever a lead typed at intake and whatever an inbound email's subject and sender name decode to, every header
 * SES receives for the emails built from them (the touch, the rep's task, the reply and unmatched forwards) is one
 * line with no control or bidi character: no CR/LF can add a Bcc:, no U+202E can make a subject read backwards.
 */

const ses = mockClient(SESv2Client);
const mailer = new SesMailer({
  client: new SESv2Client({ region: REGION, credentials: CREDENTIALS }),
  from: '"Sam Rivera" <sam@northwind.example>',
});

// C0, C1, DEL, the bidi controls, U+2028/2029 (line breaks to some readers) and half a surrogate pair.
const NOT_ONE_LINE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]|\p{Cs}/u;

const HOSTILE = [
  '\r\nBcc: everyone@evil.example',
  '\n',
  '\r',
  '\u0000',
  '\t',
  '\u001b[31m',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u202a',
  '\u2066',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
  '\ud800',
  '=?UTF-8?B?DQpCY2M6IHhAZXZpbC5leGFtcGxl?=',
];

/** Outside text, dense in what breaks a header line. */
const hostile = fc.oneof(
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...HOSTILE),
        fc.string({ maxLength: 12 }),
        fc.string({ unit: 'grapheme', maxLength: 6 }),
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ minLength: 240, maxLength: 400 }),
);

function expectOneLine(value: string | undefined, max: number) {
  expect(value).toBeDefined();
  expect(value).not.toMatch(NOT_ONE_LINE);
  expect(value?.length).toBeLessThanOrEqual(max);
}

/** Every header of every SendEmail call: From, To, Reply-To, Subject and the custom ones. */
function expectEveryHeaderOneLine(inputs: readonly SendEmailCommandInput[]) {
  expect(inputs.length).toBeGreaterThan(0);
  for (const input of inputs) {
    expectOneLine(input.FromEmailAddress, 998);
    for (const to of input.Destination?.ToAddresses ?? []) expectOneLine(to, 320);
    for (const replyTo of input.ReplyToAddresses ?? []) expectOneLine(replyTo, 320);
    expectOneLine(input.Content?.Simple?.Subject?.Data, ONE_LINE_MAX);
    for (const header of input.Content?.Simple?.Headers ?? []) expectOneLine(header.Value, 870);
  }
}

const sent = () => ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input);

beforeEach(() => {
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'msg-1' });
});

const NOW = new Date('2026-03-04T15:30:00Z');
const CALL = {
  leadId: '',
  enrollmentId: 'e-1',
  cadenceId: 'web-inquiry',
  stepIndex: 1,
  stepId: 'call',
  channel: 'call' as const,
  template: 'call',
  scheduledAt: '2026-03-05T16:00:00Z',
};

describe('every header SES receives is one line', () => {
  it('for any lead fields from intake and any inbound sender name and subject', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ name: hostile, company: hostile, interest: hostile }),
        fc.record({ fromName: hostile, subject: hostile, text: hostile }),
        async (typed, inbound) => {
          // Prepare: the lead as intake stores it, the message as the MIME parser reads it
          ses.resetHistory();
          const submitted = parseSubmission(
            { email: 'jordan@example.com', ...typed },
            { allowedCadences: ['web-inquiry'], defaultCadence: 'web-inquiry', now: NOW },
          );
          if (submitted.kind !== 'lead') return; // a field over its limit: refused, nothing stored
          const lead = storedLead(submitted.profile);
          const mime = [
            `From: ${inbound.fromName.replace(/[\r\n]/g, ' ')} <jordan@example.com>`,
            `Subject: =?UTF-8?B?${Buffer.from(inbound.subject).toString('base64')}?=`,
            'To: reply+token@reply.northwind.example',
            '',
            inbound.text.replace(/\r?\n/g, '\r\n'),
          ].join('\r\n');
          const mail = await parseMime(mime, {
            messageId: 'm-1',
            receivedAt: NOW.toISOString(),
            recipients: ['reply+token@reply.northwind.example'],
            verdicts: {},
          } as unknown as Parameters<typeof parseMime>[1]);
          const message: ReceivedMessage = {
            channel: 'email',
            from: mail.from ?? 'jordan@example.com',
            ...(mail.fromName ? { fromName: mail.fromName } : {}),
            subject: mail.subject,
            text: mail.text,
            receivedAt: NOW.toISOString(),
          };
          const ctx = templateContext(lead, TOUCH_SETTINGS, 'https://api.northwind.example/u/ld_x.sig');
          const touch = renderTemplate(
            {
              name: 'hostile',
              subject: '{{ lead.name | default: "Hi" }} at {{ lead.company | default: "you" }}',
              body: 'Hello {{ lead.firstName }}',
            },
            'email',
            ctx,
          );
          const call = renderTemplate(
            { name: 'call', subject: 'Call {{ lead.name | default: lead.email }}', body: 'Call them.' },
            'call',
            ctx,
          );
          const emails: OutgoingEmail[] = [
            {
              to: lead.email,
              subject: touch.subject ?? '',
              text: touch.text,
              replyTo: ['reply+token@reply.northwind.example'],
              headers: [{ name: 'List-Unsubscribe', value: '<https://api.northwind.example/u/ld_x.sig>' }],
            },
            ownerTaskEmail(lead, { ...CALL, leadId: lead.leadId }, call, 'America/Chicago', TOUCH_SETTINGS),
            replyForward(lead, message, {
              to: 'sam@northwind.example',
              zone: 'America/Chicago',
              stopped: [],
            }),
            replyForward(
              lead,
              { ...message, channel: 'sms', from: '+13125550142' },
              {
                to: 'sam@northwind.example',
                zone: 'America/Chicago',
                stopped: [],
              },
            ),
            unmatchedForward(message, 'inbox@northwind.example'),
            unmatchedForward(message, 'inbox@northwind.example', 'spam'),
          ];

          // Act
          for (const email of emails) await mailer.send(email);

          // Assess
          expectEveryHeaderOneLine(sent());
          expect(lead.name ?? '').not.toMatch(NOT_ONE_LINE);
          expect(lead.company ?? '').not.toMatch(NOT_ONE_LINE);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('for any email handed to the mailer, whoever built it', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, hostile, async (subject, replyTo, header, to) => {
        // Prepare
        ses.resetHistory();

        // Act
        await mailer.send({
          to,
          subject,
          text: 'body',
          replyTo: [replyTo],
          headers: [{ name: 'X-Test', value: header || 'x' }],
        });

        // Assess
        expectEveryHeaderOneLine(sent());
      }),
      { numRuns: 300 },
    );
  });
});
