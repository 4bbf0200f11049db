import { GetAccountCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { AccountLimits } from '../domain/sending-governor.ts';
import type { SendQuotaSource } from '../domain/sending-governor-account.ts';

/**
 * The account's sending limits from SES v2 GetAccount's SendQuota (MaxSendRate, Max24HourSend; -1: no daily limit).
 * IAM: `ses:GetAccount` has no resource type, so its grant is on "*" (docs/architecture.md §8.9, §8.12).
 */
export class SesSendQuota implements SendQuotaSource {
  readonly source = 'account';

  // A getter: the client is made on the first lookup, not when the function's dependencies are built.
  constructor(private readonly client: () => SESv2Client) {}

  async sendQuota(): Promise<AccountLimits> {
    const { SendQuota: quota } = await this.client().send(new GetAccountCommand({}));
    if (typeof quota?.MaxSendRate !== 'number' || quota.MaxSendRate <= 0) {
      throw new Error('SES GetAccount gave no MaxSendRate');
    }
    return { maxSendRate: quota.MaxSendRate, max24HourSend: quota.Max24HourSend ?? -1 };
  }
}
