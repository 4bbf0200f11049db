import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
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
    const command = new SendEmailCommand({
      FromEmailAddress: this.options.from,
      Destination: { ToAddresses: [email.to] },
      ...(email.replyTo ? { ReplyToAddresses: [...email.replyTo] } : {}),
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: email.text, Charset: 'UTF-8' },
            ...(email.html ? { Html: { Data: email.html, Charset: 'UTF-8' } } : {}),
          },
          ...(email.headers ? { Headers: email.headers.map((h) => ({ Name: h.name, Value: h.value })) } : {}),
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
