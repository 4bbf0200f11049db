import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { OutgoingSms, SmsSender } from '../domain/ports.ts';
import { rethrowSend } from './aws-errors.ts';

export interface SnsSmsSenderOptions {
  readonly client: SNSClient;
  /** The number texts come from (E.164), when the account has one; else SNS picks. */
  readonly originationNumber?: string;
}

/** SmsSender on SNS Publish to a phone number. Follow-up texts are marketing: SMSType Promotional. */
export class SnsSmsSender implements SmsSender {
  constructor(private readonly options: SnsSmsSenderOptions) {}

  async send(sms: OutgoingSms): Promise<{ messageId: string }> {
    try {
      const result = await this.options.client.send(
        new PublishCommand({
          PhoneNumber: sms.to,
          Message: sms.text,
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Promotional' },
            ...(this.options.originationNumber
              ? {
                  'AWS.MM.SMS.OriginationNumber': {
                    DataType: 'String',
                    StringValue: this.options.originationNumber,
                  },
                }
              : {}),
          },
        }),
      );
      return { messageId: result.MessageId ?? '' };
    } catch (error) {
      return rethrowSend(error, 'SNS');
    }
  }
}
