import { CheckIfPhoneNumberIsOptedOutCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { OptOutList } from '../domain/inbound-sms.ts';
import { rethrow } from './aws-errors.ts';

/** The account's SMS opt-out list, as SNS Publish enforces it: a number on it gets no text from this account. */
export class SnsOptOutList implements OptOutList {
  constructor(private readonly client: SNSClient) {}

  async isOptedOut(phone: string): Promise<boolean> {
    try {
      const result = await this.client.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: phone }));
      return result.isOptedOut === true;
    } catch (error) {
      return rethrow(error, 'SNS');
    }
  }
}
