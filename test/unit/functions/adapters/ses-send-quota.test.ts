import { GetAccountCommand, SESv2Client, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesSendQuota } from '../../../../functions/adapters/ses-send-quota.ts';

/* SES v2 GetAccount's SendQuota as the governor's account limits; failures reach the caller, which falls back. */

const ses = mockClient(SESv2Client);
const client = new SESv2Client({ region: 'us-east-1' });
const quota = new SesSendQuota(() => client);

beforeEach(() => ses.reset());

describe('SesSendQuota', () => {
  it("reads MaxSendRate and Max24HourSend from the account's SendQuota", async () => {
    ses.on(GetAccountCommand).resolves({
      SendQuota: { MaxSendRate: 14, Max24HourSend: 50_000, SentLast24Hours: 12 },
    });
    await expect(quota.sendQuota()).resolves.toEqual({ maxSendRate: 14, max24HourSend: 50_000 });
    expect(ses.commandCalls(GetAccountCommand)).toHaveLength(1);
  });

  it('reads a sandbox account as 1 a second and 200 a day, and a missing daily quota as none', async () => {
    ses
      .on(GetAccountCommand)
      .resolvesOnce({ SendQuota: { MaxSendRate: 1, Max24HourSend: 200 } })
      .resolves({ SendQuota: { MaxSendRate: 20 } });
    await expect(quota.sendQuota()).resolves.toEqual({ maxSendRate: 1, max24HourSend: 200 });
    await expect(quota.sendQuota()).resolves.toEqual({ maxSendRate: 20, max24HourSend: -1 });
  });

  it('fails on an answer with no rate, and passes throttling and access errors on', async () => {
    const denied = Object.assign(new Error('not authorized to perform: ses:GetAccount'), {
      name: 'AccessDeniedException',
    });
    ses
      .on(GetAccountCommand)
      .resolvesOnce({})
      .rejectsOnce(new TooManyRequestsException({ message: 'Too many', $metadata: {} }))
      .rejectsOnce(denied);
    await expect(quota.sendQuota()).rejects.toThrow(/no MaxSendRate/);
    await expect(quota.sendQuota()).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    await expect(quota.sendQuota()).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
