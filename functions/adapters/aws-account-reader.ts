import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeAccountAttributesCommand,
  DescribePhoneNumbersCommand,
  DescribeRegistrationsCommand,
  PinpointSMSVoiceV2Client,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { DescribeActiveReceiptRuleSetCommand, SESClient } from '@aws-sdk/client-ses';
import { GetAccountCommand, GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { errorName } from './aws-errors.ts';

/*
 * The read-only AWS calls `followup doctor --aws` makes, one method per call, each answering with plain data so the
 * checks that judge them stay pure. Nothing here writes.
 */

export interface EmailIdentityFacts {
  readonly identity: string;
  /** DOMAIN or EMAIL_ADDRESS. */
  readonly type: string;
  readonly verifiedForSending: boolean;
  /** PENDING, SUCCESS, FAILED, TEMPORARY_FAILURE or NOT_STARTED; absent for an address identity. */
  readonly dkimStatus?: string;
  /** Easy DKIM tokens: each is a CNAME `<token>._domainkey.<domain>` → `<token>.dkim.amazonses.com`. */
  readonly dkimTokens: readonly string[];
}

export interface SendingAccountFacts {
  readonly productionAccess: boolean;
  readonly sendingEnabled: boolean;
  /** Emails per second. */
  readonly maxSendRate: number;
  /** Emails per 24 hours; -1 is unlimited. */
  readonly max24HourSend: number;
  readonly sentLast24Hours: number;
  /** HEALTHY, PROBATION or SHUTDOWN. */
  readonly enforcementStatus?: string;
}

export interface PhoneNumberFacts {
  readonly phoneNumber: string;
  readonly phoneNumberId?: string;
  /** ACTIVE, PENDING, ASSOCIATING, DISASSOCIATING or DELETED. */
  readonly status: string;
  /** TOLL_FREE, TEN_DLC, LONG_CODE, SHORT_CODE or SIMULATOR. */
  readonly numberType: string;
  readonly twoWayEnabled: boolean;
  readonly twoWayChannelArn?: string;
  readonly selfManagedOptOuts: boolean;
  readonly registrationId?: string;
}

export interface QuotaFacts {
  readonly value: number;
  /** `applied`: this account's value; `default`: AWS's default, when the account has no value of its own. */
  readonly source: 'applied' | 'default';
}

/** What the doctor reads from AWS. `undefined` answers mean "there is no such thing", not an error. */
export interface AccountReader {
  /** The stack's outputs by key; undefined when the stack does not exist. */
  stackOutputs(stackName: string): Promise<Record<string, string> | undefined>;
  emailIdentity(identity: string): Promise<EmailIdentityFacts | undefined>;
  sendingAccount(): Promise<SendingAccountFacts>;
  /** The name of the region's active receipt rule set; undefined when none is active. */
  activeReceiptRuleSet(): Promise<string | undefined>;
  /** The origination number with this E.164 value among the account's own numbers. */
  phoneNumber(e164: string): Promise<PhoneNumberFacts | undefined>;
  registrationStatus(registrationId: string): Promise<string | undefined>;
  /** ACCOUNT_TIER of End User Messaging SMS: whether the account's SMS is still in the sandbox. */
  smsAccountTier(): Promise<string | undefined>;
  serviceQuota(serviceCode: string, quotaCode: string): Promise<QuotaFacts | undefined>;
}

export interface AwsAccountReaderOptions {
  readonly sesv2: SESv2Client;
  readonly ses: SESClient;
  readonly cloudformation: CloudFormationClient;
  readonly sms: PinpointSMSVoiceV2Client;
  readonly quotas: ServiceQuotasClient;
}

const isNamed = (error: unknown, ...names: string[]) => names.includes(errorName(error));

/** AccountReader on the AWS SDK: SES v2 and v1, CloudFormation, End User Messaging SMS v2, Service Quotas. */
export class AwsAccountReader implements AccountReader {
  constructor(private readonly clients: AwsAccountReaderOptions) {}

  /** Clients for one region, with the SDK's default credentials chain. */
  static forRegion(region: string): AwsAccountReader & { destroy(): void } {
    const clients = {
      sesv2: new SESv2Client({ region }),
      ses: new SESClient({ region }),
      cloudformation: new CloudFormationClient({ region }),
      sms: new PinpointSMSVoiceV2Client({ region }),
      quotas: new ServiceQuotasClient({ region }),
    };
    return Object.assign(new AwsAccountReader(clients), {
      destroy: () => {
        for (const client of Object.values(clients)) client.destroy();
      },
    });
  }

  async stackOutputs(stackName: string): Promise<Record<string, string> | undefined> {
    try {
      const { Stacks } = await this.clients.cloudformation.send(
        new DescribeStacksCommand({ StackName: stackName }),
      );
      const stack = Stacks?.[0];
      if (!stack) return undefined;
      return Object.fromEntries(
        (stack.Outputs ?? []).flatMap((o) =>
          o.OutputKey && o.OutputValue !== undefined ? [[o.OutputKey, o.OutputValue]] : [],
        ),
      );
    } catch (error) {
      // CloudFormation answers a missing stack with a ValidationError "Stack with id X does not exist".
      if (isNamed(error, 'ValidationError') && /does not exist/.test((error as Error).message)) {
        return undefined;
      }
      throw error;
    }
  }

  async emailIdentity(identity: string): Promise<EmailIdentityFacts | undefined> {
    try {
      const result = await this.clients.sesv2.send(new GetEmailIdentityCommand({ EmailIdentity: identity }));
      return {
        identity,
        type: result.IdentityType ?? 'DOMAIN',
        verifiedForSending: result.VerifiedForSendingStatus === true,
        ...(result.DkimAttributes?.Status ? { dkimStatus: result.DkimAttributes.Status } : {}),
        dkimTokens: result.DkimAttributes?.Tokens ?? [],
      };
    } catch (error) {
      if (isNamed(error, 'NotFoundException')) return undefined;
      throw error;
    }
  }

  async sendingAccount(): Promise<SendingAccountFacts> {
    const result = await this.clients.sesv2.send(new GetAccountCommand({}));
    return {
      productionAccess: result.ProductionAccessEnabled === true,
      sendingEnabled: result.SendingEnabled === true,
      maxSendRate: result.SendQuota?.MaxSendRate ?? 0,
      max24HourSend: result.SendQuota?.Max24HourSend ?? 0,
      sentLast24Hours: result.SendQuota?.SentLast24Hours ?? 0,
      ...(result.EnforcementStatus ? { enforcementStatus: result.EnforcementStatus } : {}),
    };
  }

  async activeReceiptRuleSet(): Promise<string | undefined> {
    const result = await this.clients.ses.send(new DescribeActiveReceiptRuleSetCommand({}));
    return result.Metadata?.Name;
  }

  async phoneNumber(e164: string): Promise<PhoneNumberFacts | undefined> {
    // DescribePhoneNumbers takes ids or ARNs, not the number itself: page through the account's own numbers.
    let nextToken: string | undefined;
    do {
      const page = await this.clients.sms.send(
        new DescribePhoneNumbersCommand({ Owner: 'SELF', ...(nextToken ? { NextToken: nextToken } : {}) }),
      );
      const found = page.PhoneNumbers?.find((n) => n.PhoneNumber === e164);
      if (found) {
        return {
          phoneNumber: e164,
          ...(found.PhoneNumberId ? { phoneNumberId: found.PhoneNumberId } : {}),
          status: found.Status ?? 'UNKNOWN',
          numberType: found.NumberType ?? 'UNKNOWN',
          twoWayEnabled: found.TwoWayEnabled === true,
          ...(found.TwoWayChannelArn ? { twoWayChannelArn: found.TwoWayChannelArn } : {}),
          selfManagedOptOuts: found.SelfManagedOptOutsEnabled === true,
          ...(found.RegistrationId ? { registrationId: found.RegistrationId } : {}),
        };
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return undefined;
  }

  async registrationStatus(registrationId: string): Promise<string | undefined> {
    const result = await this.clients.sms.send(
      new DescribeRegistrationsCommand({ RegistrationIds: [registrationId] }),
    );
    return result.Registrations?.[0]?.RegistrationStatus;
  }

  async smsAccountTier(): Promise<string | undefined> {
    const result = await this.clients.sms.send(new DescribeAccountAttributesCommand({}));
    return result.AccountAttributes?.find((a) => a.Name === 'ACCOUNT_TIER')?.Value;
  }

  async serviceQuota(serviceCode: string, quotaCode: string): Promise<QuotaFacts | undefined> {
    const request = { ServiceCode: serviceCode, QuotaCode: quotaCode };
    try {
      const { Quota } = await this.clients.quotas.send(new GetServiceQuotaCommand(request));
      if (Quota?.Value !== undefined) return { value: Quota.Value, source: 'applied' };
    } catch (error) {
      // An account that never changed a quota may have no applied value: AWS's default is the one in force.
      if (!isNamed(error, 'NoSuchResourceException')) throw error;
    }
    try {
      const { Quota } = await this.clients.quotas.send(new GetAWSDefaultServiceQuotaCommand(request));
      return Quota?.Value === undefined ? undefined : { value: Quota.Value, source: 'default' };
    } catch (error) {
      if (isNamed(error, 'NoSuchResourceException')) return undefined;
      throw error;
    }
  }
}
