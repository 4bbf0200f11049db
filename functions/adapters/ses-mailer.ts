import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { oneLine } from '../core/one-line.ts';
import { SendRejected } from '../domain/errors.ts';
import type { Mailer, OutgoingEmail } from '../domain/ports.ts';
import { errorName, rethrowSend } from './aws-errors.ts';

/** SES refusals that a retry cannot fix: the execution fails, and is redriven once the cause is fixed. */
const REJECTED = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException',
]);

/** SES's bound on a custom header's value (MessageHeader). */
const HEADER_VALUE_MAX = 870;
/** An address's bound: 64 for the local part, 255 for the domain, and the @ (RFC 5321). */
const ADDRESS_MAX = 320;

/** SES allows only these characters in tag names and values. */
export const tagValue = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256) || '_';

export interface SesMailerOptions {
  readonly client: SESv2Client;
  /** The From mailbox as formatMailbox writes it (SES refuses a raw non-ASCII or unquoted name), e.g. SENDER_EMAIL. */
  readonly from: string;
  /** Routes bounce, complaint, open and click events; optional for the local emulator. */
  readonly configurationSet?: string;
}

/** Mailer on SES v2 SendEmail, Simple content: the local emulator keeps its custom headers too. */
export class SesMailer implements Mailer {
  constructor(private readonly options: SesMailerOptions) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    // The last guard: every header SES writes is one line, whoever built the email.
    const address = (value: string) => oneLine(value, ADDRESS_MAX);
    const command = new SendEmailCommand({
      FromEmailAddress: this.options.from,
      Destination: { ToAddresses: [address(email.to)] },
      ...(email.replyTo ? { ReplyToAddresses: email.replyTo.map(address) } : {}),
      Content: {
        Simple: {
          Subject: { Data: oneLine(email.subject), Charset: 'UTF-8' },
          Body: {
            Text: { Data: email.text, Charset: 'UTF-8' },
            ...(email.html ? { Html: { Data: email.html, Charset: 'UTF-8' } } : {}),
          },
          ...(email.headers
            ? {
                Headers: email.headers.map((h) => ({
                  Name: h.name,
                  Value: oneLine(h.value, HEADER_VALUE_MAX),
                })),
              }
            : {}),
        },
      },
      ...(this.options.configurationSet ? { ConfigurationSetName: this.options.configurationSet } : {}),
      ...(email.tags
        ? {
            EmailTags: Object.entries(email.tags).map(([name, value]) => ({
              Name: tagValue(name),
              Value: tagValue(value),
            })),
          }
        : {}),
    });
    try {
      const result = await this.options.client.send(command);
      return { messageId: result.MessageId ?? '' };
    } catch (error) {
      if (REJECTED.has(errorName(error))) throw new SendRejected(errorName(error), { cause: error });
      return rethrowSend(error, 'SES');
    }
  }
}
