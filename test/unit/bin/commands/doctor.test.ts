import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeAccountAttributesCommand,
  DescribePhoneNumbersCommand,
  DescribeRegistrationsCommand,
  type PhoneNumberInformation,
  PinpointSMSVoiceV2Client,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  NoSuchResourceException,
  AccessDeniedException as ServiceQuotasAccessDenied,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { DescribeActiveReceiptRuleSetCommand, SESClient } from '@aws-sdk/client-ses';
import {
  GetAccountCommand,
  GetEmailIdentityCommand,
  type GetEmailIdentityCommandOutput,
  NotFoundException,
  SESv2Client,
  SESv2ServiceException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Dns, type DoctorReport, doctorCommand } from '../../../../bin/commands/doctor.ts';
import type { Check } from '../../../../bin/preflight/checks.ts';
import { AwsAccountReader } from '../../../../functions/adapters/aws-account-reader.ts';

/*
 * `followup doctor --aws` on mocked AWS clients and a fake DNS: a healthy account passes every check; each check is
 * then broken one way at a time and must say "to fix" with the fix a user would run.
 */

const ROOT = new URL('../../../..', import.meta.url).pathname;
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const RULE_SET = 'Followup-RepliesRuleSet1A2B';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:Followup-SmsInbound';
const NUMBER = '+12175550199';

const sesv2 = mockClient(SESv2Client);
const ses = mockClient(SESClient);
const cloudformation = mockClient(CloudFormationClient);
const sms = mockClient(PinpointSMSVoiceV2Client);
const quotas = mockClient(ServiceQuotasClient);

let dir: string;
let configFile: string;

function writeConfig(changes: { sms?: object | null; sender?: object } = {}) {
  const base = JSON.parse(readFileSync(join(ROOT, 'followup.config.json'), 'utf8'));
  const config = {
    ...base,
    sender: { ...base.sender, ...changes.sender },
    sms: changes.sms === null ? base.sms : { originationNumber: NUMBER, optOuts: 'aws', ...changes.sms },
  };
  writeFileSync(configFile, JSON.stringify(config));
}

const awsError = (name: string, message: string) =>
  new SESv2ServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });

const dnsError = (code: string) => Object.assign(new Error(`query ${code}`), { code });

/** A DNS where the reply domain points at SES inbound in us-east-1. */
function healthyDns(): Dns & { mx: Dns['resolveMx']; a: Dns['resolve4'] } {
  const dns = {
    mx: async (_host: string) => [{ exchange: 'inbound-smtp.us-east-1.amazonaws.com', priority: 10 }],
    a: async (_host: string) => ['44.206.0.1'],
    resolveMx: (host: string) => dns.mx(host),
    resolve4: (host: string) => dns.a(host),
  };
  return dns;
}

const domainIdentity = (overrides: Partial<GetEmailIdentityCommandOutput> = {}) => ({
  IdentityType: 'DOMAIN' as const,
  VerifiedForSendingStatus: true,
  DkimAttributes: { Status: 'SUCCESS' as const, Tokens: ['tok1', 'tok2', 'tok3'] },
  ...overrides,
});

const phoneNumber = (overrides: Partial<PhoneNumberInformation> = {}): PhoneNumberInformation => ({
  PhoneNumberArn: 'arn:aws:sms-voice:us-east-1:123456789012:phone-number/phone-abc',
  PhoneNumberId: 'phone-abc',
  PhoneNumber: NUMBER,
  Status: 'ACTIVE',
  IsoCountryCode: 'US',
  MessageType: 'PROMOTIONAL',
  NumberCapabilities: ['SMS'],
  NumberType: 'TOLL_FREE',
  MonthlyLeasingPrice: '2.00',
  TwoWayEnabled: true,
  TwoWayChannelArn: TOPIC,
  SelfManagedOptOutsEnabled: false,
  OptOutListName: 'Default',
  DeletionProtectionEnabled: false,
  RegistrationId: 'registration-1',
  CreatedTimestamp: new Date('2026-01-01T00:00:00Z'),
  ...overrides,
});

function stackWith(outputs: Record<string, string>) {
  return {
    Stacks: [
      {
        StackName: 'Followup',
        CreationTime: new Date('2026-01-01T00:00:00Z'),
        StackStatus: 'CREATE_COMPLETE' as const,
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  };
}

/** Everything ready: verified domain with DKIM, production access, the stack's rule set active, SMS wired. */
function healthyAccount() {
  sesv2.on(GetEmailIdentityCommand, { EmailIdentity: 'example.com' }).resolves(domainIdentity());
  sesv2
    .on(GetEmailIdentityCommand, { EmailIdentity: 'sales@example.com' })
    .rejects(
      new NotFoundException({ message: 'Email identity sales@example.com does not exist.', $metadata: {} }),
    );
  sesv2.on(GetAccountCommand).resolves({
    ProductionAccessEnabled: true,
    SendingEnabled: true,
    EnforcementStatus: 'HEALTHY',
    SendQuota: { MaxSendRate: 50, Max24HourSend: 100_000, SentLast24Hours: 12 },
  });
  ses.on(DescribeActiveReceiptRuleSetCommand).resolves({ Metadata: { Name: RULE_SET } });
  cloudformation
    .on(DescribeStacksCommand)
    .resolves(stackWith({ ReceiptRuleSetName: RULE_SET, SmsInboundTopicArn: TOPIC, TableName: 't' }));
  sms.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [phoneNumber()] });
  sms.on(DescribeRegistrationsCommand).resolves({
    Registrations: [
      {
        RegistrationArn: 'arn:aws:sms-voice:us-east-1:123456789012:registration/registration-1',
        RegistrationId: 'registration-1',
        RegistrationType: 'US_TOLL_FREE_REGISTRATION',
        RegistrationStatus: 'COMPLETE',
        CurrentVersionNumber: 1,
        CreatedTimestamp: new Date('2026-01-01T00:00:00Z'),
      },
    ],
  });
  sms.on(DescribeAccountAttributesCommand).resolves({
    AccountAttributes: [{ Name: 'ACCOUNT_TIER', Value: 'PRODUCTION' }],
  });
  quotas.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 1_000_000 } });
}

function terminal() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
  };
}

const reader = (region: string) =>
  new AwsAccountReader({
    sesv2: new SESv2Client({ region, credentials: CREDENTIALS }),
    ses: new SESClient({ region, credentials: CREDENTIALS }),
    cloudformation: new CloudFormationClient({ region, credentials: CREDENTIALS }),
    sms: new PinpointSMSVoiceV2Client({ region, credentials: CREDENTIALS }),
    quotas: new ServiceQuotasClient({ region, credentials: CREDENTIALS }),
  });

async function doctor(dns: Dns = healthyDns(), extra: { json?: boolean; region?: string } = {}) {
  const term = terminal();
  const code = await doctorCommand(
    {
      aws: true,
      region: extra.region ?? REGION,
      config: configFile,
      cadences: join(ROOT, 'cadences'),
      json: extra.json ?? true,
    },
    { terminal: term, dns, reader },
  );
  const report = extra.json === false ? undefined : (JSON.parse(term.out.stdout || 'null') as DoctorReport);
  const check = (id: string): Check => {
    const found = report?.checks.find((c) => c.id === id);
    if (!found) throw new Error(`no check ${id} in ${term.out.stdout}`);
    return found;
  };
  return { code, report, check, ...term.out };
}

beforeEach(() => {
  for (const mock of [sesv2, ses, cloudformation, sms, quotas]) mock.reset();
  dir = mkdtempSync(join(tmpdir(), 'followup-doctor-'));
  configFile = join(dir, 'followup.config.json');
  writeConfig();
  healthyAccount();
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('followup doctor --aws on a ready account', () => {
  it('passes every check, exits 0 and prints the JSON contract', async () => {
    // Act
    const { code, report, stderr } = await doctor();
    // Assess
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(Object.keys(report ?? {})).toEqual(['ok', 'region', 'stack', 'config', 'checks']);
    expect(report).toMatchObject({ ok: true, region: REGION, stack: 'Followup', config: configFile });
    expect(report?.checks.map((c) => c.id)).toEqual([
      'sender-identity',
      'ses-production-access',
      'receipt-rule-set',
      'reply-mx',
      'sms-number',
      'sms-two-way',
      'sms-opt-outs',
      'sms-sandbox',
      'ses-send-rate',
      'sfn-open-executions',
    ]);
    for (const c of report?.checks ?? []) {
      expect(Object.keys(c)).toEqual(['id', 'title', 'status', 'summary', 'fix', 'notes']);
      expect(c.status, `${c.id}: ${c.summary}`).toBe('ready');
      expect(c.fix).toEqual([]);
    }
    expect(report?.checks.find((c) => c.id === 'ses-send-rate')?.summary).toContain('50 emails a second');
  });

  it('prints a table a person reads: one line per check and a verdict', async () => {
    const { code, stdout } = await doctor(healthyDns(), { json: false });
    expect(code).toBe(0);
    expect(stdout).toContain(`Followup preflight · stack Followup · ${REGION}`);
    expect(stdout).toMatch(
      /✓ ready\s+SES sender identity: example\.com is verified for sending; DKIM SUCCESS/,
    );
    expect(stdout).toContain('10 ready, 0 to fix. Ready to deploy.');
  });

  it('leaves the SMS checks out when no origination number is configured', async () => {
    writeConfig({ sms: null });
    const { code, report } = await doctor();
    expect(code).toBe(0);
    expect(report?.checks.some((c) => c.id.startsWith('sms-'))).toBe(false);
    expect(sms.calls()).toHaveLength(0);
  });
});

describe('SES sender identity', () => {
  it('is to fix when SES has no such identity, with the command that creates it', async () => {
    sesv2
      .on(GetEmailIdentityCommand, { EmailIdentity: 'example.com' })
      .rejects(new NotFoundException({ message: 'not found', $metadata: {} }));
    const { code, check } = await doctor();
    expect(code).toBe(1);
    expect(check('sender-identity')).toMatchObject({
      status: 'fix',
      summary: `SES in ${REGION} has no identity example.com`,
    });
    expect(check('sender-identity').fix).toContain(
      `or create it: aws sesv2 create-email-identity --email-identity example.com --region ${REGION}`,
    );
  });

  it('is to fix while DKIM is pending, listing the three CNAME records to publish', async () => {
    sesv2.on(GetEmailIdentityCommand, { EmailIdentity: 'example.com' }).resolves(
      domainIdentity({
        VerifiedForSendingStatus: false,
        DkimAttributes: { Status: 'PENDING', Tokens: ['tok1', 'tok2', 'tok3'] },
      }),
    );
    const { code, check } = await doctor();
    expect(code).toBe(1);
    const identity = check('sender-identity');
    expect(identity.summary).toBe('example.com: not verified for sending, DKIM PENDING');
    expect(identity.fix.slice(0, 3)).toEqual([
      'DNS: tok1._domainkey.example.com CNAME tok1.dkim.amazonses.com',
      'DNS: tok2._domainkey.example.com CNAME tok2.dkim.amazonses.com',
      'DNS: tok3._domainkey.example.com CNAME tok3.dkim.amazonses.com',
    ]);
  });

  it('checks the From address when it is an identity of its own: unverified is to fix', async () => {
    sesv2.on(GetEmailIdentityCommand, { EmailIdentity: 'sales@example.com' }).resolves({
      IdentityType: 'EMAIL_ADDRESS',
      VerifiedForSendingStatus: false,
    });
    const { code, check } = await doctor();
    expect(code).toBe(1);
    expect(check('from-address-identity').status).toBe('fix');
    expect(check('from-address-identity').fix).toContain(
      `aws sesv2 delete-email-identity --email-identity sales@example.com --region ${REGION}`,
    );
  });

  it('passes a From address verified as its own identity, and says SES checks that one', async () => {
    sesv2.on(GetEmailIdentityCommand, { EmailIdentity: 'sales@example.com' }).resolves({
      IdentityType: 'EMAIL_ADDRESS',
      VerifiedForSendingStatus: true,
    });
    const { code, check } = await doctor();
    expect(code).toBe(0);
    expect(check('from-address-identity').status).toBe('ready');
    expect(check('from-address-identity').notes[0]).toContain('SES checks it (not example.com)');
  });

  it('is unknown, not ready, when the read is denied, and names the permission', async () => {
    sesv2
      .on(GetEmailIdentityCommand, { EmailIdentity: 'example.com' })
      .rejects(awsError('AccessDeniedException', 'not authorized to perform ses:GetEmailIdentity'));
    const { code, check } = await doctor();
    expect(code).toBe(1);
    expect(check('sender-identity').status).toBe('unknown');
    expect(check('sender-identity').fix[0]).toContain('allow ses:GetEmailIdentity');
  });
});

describe('SES production access and sending quota', () => {
  it('is to fix in the sandbox: only verified recipients receive mail, and how to leave it', async () => {
    sesv2.on(GetAccountCommand).resolves({
      ProductionAccessEnabled: false,
      SendingEnabled: true,
      SendQuota: { MaxSendRate: 1, Max24HourSend: 200, SentLast24Hours: 0 },
    });
    const { code, check } = await doctor();
    expect(code).toBe(1);
    const access = check('ses-production-access');
    expect(access.status).toBe('fix');
    expect(access.summary).toBe(`the account is in the SES sandbox in ${REGION}`);
    expect(access.notes[0]).toContain(
      'only verified recipients receive mail, at most 200 a day and 1 a second',
    );
    expect(access.fix[0]).toContain('Request production access');
    expect(access.fix[0]).toContain(`https://console.aws.amazon.com/ses/home?region=${REGION}#/account`);
    // 1 email a second is below the signup API's 20 a second.
    expect(check('ses-send-rate')).toMatchObject({ status: 'fix' });
    expect(check('ses-send-rate').fix[1]).toBe('or lower api.rateLimit in the config to 1');
  });

  it('is to fix when sending is paused', async () => {
    sesv2.on(GetAccountCommand).resolves({
      ProductionAccessEnabled: true,
      SendingEnabled: false,
      EnforcementStatus: 'SHUTDOWN',
      SendQuota: { MaxSendRate: 50, Max24HourSend: 100_000, SentLast24Hours: 0 },
    });
    const { check } = await doctor();
    expect(check('ses-production-access').summary).toBe(
      `sending is paused for this account in ${REGION} (SHUTDOWN)`,
    );
  });
});

describe('SES receipt rule set', () => {
  it('is to fix when another set is active, and says activating switches that one off', async () => {
    ses.on(DescribeActiveReceiptRuleSetCommand).resolves({ Metadata: { Name: 'support-inbox' } });
    const { code, check } = await doctor();
    expect(code).toBe(1);
    const rules = check('receipt-rule-set');
    expect(rules.summary).toBe(`support-inbox is active, not the stack's ${RULE_SET}`);
    expect(rules.fix[0]).toBe(
      `aws ses set-active-receipt-rule-set --rule-set-name ${RULE_SET} --region ${REGION}`,
    );
    expect(rules.notes[0]).toContain(`activating ${RULE_SET} switches support-inbox off`);
  });

  it('is to fix when no set is active', async () => {
    ses.on(DescribeActiveReceiptRuleSetCommand).resolves({});
    const { check } = await doctor();
    expect(check('receipt-rule-set')).toMatchObject({
      status: 'fix',
      summary: `no rule set is active in ${REGION}`,
    });
  });

  it('before the first deploy, says to deploy (and still checks the rest)', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id Followup does not exist'), { name: 'ValidationError' }),
      );
    const { code, check } = await doctor();
    expect(code).toBe(1);
    expect(check('receipt-rule-set')).toMatchObject({
      status: 'fix',
      summary: `stack Followup is not deployed in ${REGION}`,
    });
    expect(check('sms-two-way').fix[0]).toContain('npx cdk deploy');
    expect(check('sender-identity').status).toBe('ready');
  });
});

describe('reply domain MX', () => {
  it('is to fix when the reply domain has no MX, giving the record to add', async () => {
    const dns = healthyDns();
    dns.mx = async () => {
      throw dnsError('ENOTFOUND');
    };
    const { code, check } = await doctor(dns);
    expect(code).toBe(1);
    expect(check('reply-mx')).toMatchObject({
      status: 'fix',
      summary: 'reply.example.com has no MX record',
      fix: ['DNS: reply.example.com MX 10 inbound-smtp.us-east-1.amazonaws.com'],
    });
  });

  it('is to fix when the MX points at SES in another region', async () => {
    const dns = healthyDns();
    dns.mx = async () => [{ exchange: 'inbound-smtp.eu-west-1.amazonaws.com.', priority: 10 }];
    const { check } = await doctor(dns);
    expect(check('reply-mx').status).toBe('fix');
    expect(check('reply-mx').notes[0]).toContain(
      'inbound-smtp.eu-west-1.amazonaws.com is SES in another region',
    );
  });

  it('is to fix when another server is preferred over SES', async () => {
    const dns = healthyDns();
    dns.mx = async () => [
      { exchange: 'inbound-smtp.us-east-1.amazonaws.com', priority: 20 },
      { exchange: 'mx.mailhost.example', priority: 5 },
    ];
    const { check } = await doctor(dns);
    expect(check('reply-mx').status).toBe('fix');
    expect(check('reply-mx').notes[0]).toContain('most preferred MX first');
  });

  it('is to fix in a region where SES receives no email', async () => {
    const dns = healthyDns();
    const asked: string[] = [];
    dns.a = async (host) => {
      asked.push(host);
      throw dnsError('ENOTFOUND');
    };
    const { check } = await doctor(dns, { region: 'us-west-1' });
    expect(asked).toEqual(['inbound-smtp.us-west-1.amazonaws.com']);
    expect(check('reply-mx').summary).toBe(
      'SES does not receive email in us-west-1: inbound-smtp.us-west-1.amazonaws.com does not exist',
    );
    expect(check('reply-mx').fix[0]).toContain('docs.aws.amazon.com/general/latest/gr/ses.html');
  });

  it('is unknown when DNS itself fails', async () => {
    const dns = healthyDns();
    dns.mx = async () => {
      throw dnsError('ETIMEOUT');
    };
    const { code, check } = await doctor(dns);
    expect(code).toBe(1);
    expect(check('reply-mx')).toMatchObject({ status: 'unknown' });
    expect(check('reply-mx').summary).toContain('ETIMEOUT');
  });
});

describe('SMS origination number', () => {
  it('is to fix when the account has no such number', async () => {
    sms
      .on(DescribePhoneNumbersCommand)
      .resolves({ PhoneNumbers: [phoneNumber({ PhoneNumber: '+12175550000' })] });
    const { code, report, check } = await doctor();
    expect(code).toBe(1);
    expect(check('sms-number').summary).toBe(
      `${NUMBER} is not an origination number of this account in ${REGION}`,
    );
    // Two-way and opt-outs say nothing about a number that is not there.
    expect(report?.checks.map((c) => c.id)).not.toContain('sms-two-way');
  });

  it('is to fix while the number is pending, with its registration status', async () => {
    sms.on(DescribePhoneNumbersCommand).resolves({ PhoneNumbers: [phoneNumber({ Status: 'PENDING' })] });
    sms.on(DescribeRegistrationsCommand).resolves({
      Registrations: [
        {
          RegistrationArn: 'arn:aws:sms-voice:us-east-1:123456789012:registration/registration-1',
          RegistrationId: 'registration-1',
          RegistrationType: 'US_TOLL_FREE_REGISTRATION',
          RegistrationStatus: 'REVIEWING',
          CurrentVersionNumber: 1,
          CreatedTimestamp: new Date('2026-01-01T00:00:00Z'),
        },
      ],
    });
    const { check } = await doctor();
    expect(check('sms-number')).toMatchObject({
      status: 'fix',
      summary: `${NUMBER} (TOLL_FREE) is PENDING, not ACTIVE`,
      notes: ['registration registration-1: REVIEWING'],
    });
  });

  it('finds the number on a later page', async () => {
    sms
      .on(DescribePhoneNumbersCommand)
      .resolvesOnce({ PhoneNumbers: [phoneNumber({ PhoneNumber: '+12175550000' })], NextToken: 'page-2' })
      .resolvesOnce({ PhoneNumbers: [phoneNumber()] });
    const { check } = await doctor();
    expect(check('sms-number').status).toBe('ready');
    expect(sms.commandCalls(DescribePhoneNumbersCommand)[1]?.args[0].input).toMatchObject({
      NextToken: 'page-2',
      Owner: 'SELF',
    });
  });

  it('two-way is to fix when off, with the command that points it at the stack topic', async () => {
    sms
      .on(DescribePhoneNumbersCommand)
      .resolves({ PhoneNumbers: [phoneNumber({ TwoWayEnabled: false, TwoWayChannelArn: undefined })] });
    const { code, check } = await doctor();
    expect(code).toBe(1);
    expect(check('sms-two-way')).toMatchObject({
      status: 'fix',
      summary: `two-way SMS is off for ${NUMBER}`,
      fix: [
        `aws pinpoint-sms-voice-v2 update-phone-number --phone-number-id phone-abc --two-way-enabled --two-way-channel-arn ${TOPIC} --region ${REGION}`,
      ],
    });
  });

  it('two-way is to fix when it delivers to another destination', async () => {
    const other = 'arn:aws:sns:us-east-1:123456789012:old-topic';
    sms
      .on(DescribePhoneNumbersCommand)
      .resolves({ PhoneNumbers: [phoneNumber({ TwoWayChannelArn: other })] });
    const { check } = await doctor();
    expect(check('sms-two-way').summary).toBe(
      `${NUMBER} delivers inbound texts to ${other}, not the stack's topic`,
    );
  });

  it('opt-outs are to fix when the number is self-managed but sms.optOuts is "aws"', async () => {
    sms
      .on(DescribePhoneNumbersCommand)
      .resolves({ PhoneNumbers: [phoneNumber({ SelfManagedOptOutsEnabled: true })] });
    const { code, check } = await doctor();
    expect(code).toBe(1);
    const optOuts = check('sms-opt-outs');
    expect(optOuts.status).toBe('fix');
    expect(optOuts.fix).toEqual([
      `aws pinpoint-sms-voice-v2 update-phone-number --phone-number-id phone-abc --no-self-managed-opt-outs-enabled --region ${REGION}`,
      'or set sms.optOuts to "self" in the config and deploy',
    ]);
  });

  it('opt-outs are ready when both are self-managed', async () => {
    writeConfig({ sms: { optOuts: 'self' } });
    sms
      .on(DescribePhoneNumbersCommand)
      .resolves({ PhoneNumbers: [phoneNumber({ SelfManagedOptOutsEnabled: true })] });
    const { code, check } = await doctor();
    expect(code).toBe(0);
    expect(check('sms-opt-outs').summary).toBe(
      'self-managed (Followup answers STOP/HELP), as sms.optOuts = "self"',
    );
  });

  it('is to fix while the account is in the SMS sandbox', async () => {
    sms.on(DescribeAccountAttributesCommand).resolves({
      AccountAttributes: [{ Name: 'ACCOUNT_TIER', Value: 'SANDBOX' }],
    });
    const { code, check } = await doctor();
    expect(code).toBe(1);
    expect(check('sms-sandbox')).toMatchObject({
      status: 'fix',
      summary: `account tier SANDBOX in ${REGION}`,
    });
  });
});

describe('Step Functions open executions', () => {
  it("shows AWS's default when the account has no value of its own", async () => {
    quotas.on(GetServiceQuotaCommand).rejects(new NoSuchResourceException({ message: 'no', $metadata: {} }));
    quotas.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: { Value: 1_000_000 } });
    const { check } = await doctor();
    expect(check('sfn-open-executions')).toMatchObject({
      status: 'ready',
      summary: '1,000,000 (AWS default)',
    });
    expect(quotas.commandCalls(GetServiceQuotaCommand)[0]?.args[0].input).toEqual({
      ServiceCode: 'states',
      QuotaCode: 'L-B8A5B662',
    });
  });

  it('prints the documented default and where to check when Service Quotas cannot be read', async () => {
    quotas
      .on(GetServiceQuotaCommand)
      .rejects(new ServiceQuotasAccessDenied({ message: 'denied', $metadata: {} }));
    const { check } = await doctor();
    const open = check('sfn-open-executions');
    expect(open.summary).toBe('1,000,000 (the documented default; could not read: AccessDeniedException)');
    expect(open.notes.at(-1)).toContain(
      'https://console.aws.amazon.com/servicequotas/home/services/states/quotas/L-B8A5B662',
    );
  });
});

describe('when the doctor cannot run', () => {
  it('says in one line how to set credentials when there are none, and exits 2', async () => {
    sesv2.on(GetAccountCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    const { code, stdout, stderr } = await doctor(healthyDns(), { json: false });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('no AWS credentials found: run `aws configure`');
    expect(cloudformation.calls()).toHaveLength(0);
  });

  it('says to refresh expired credentials', async () => {
    sesv2
      .on(GetAccountCommand)
      .rejects(awsError('ExpiredTokenException', 'The security token included in the request is expired'));
    const { code, stderr } = await doctor(healthyDns(), { json: false });
    expect(code).toBe(2);
    expect(stderr).toContain('AWS rejected your credentials (ExpiredTokenException)');
  });

  it.each([
    ['no --aws', { aws: false }, 'run `followup doctor --aws`'],
    [
      'a bad region',
      { region: 'Virginia' },
      '--region "Virginia" is not an AWS region; use e.g. --region us-east-1',
    ],
  ])('exits 2 on %s', async (_case, options, message) => {
    const term = terminal();
    const code = await doctorCommand(
      { aws: true, config: configFile, cadences: join(ROOT, 'cadences'), ...options },
      { terminal: term, dns: healthyDns(), reader },
    );
    expect(code).toBe(2);
    expect(term.out.stderr).toContain(message);
  });

  it('exits 2 on an invalid configuration, naming the field', async () => {
    writeConfig({ sms: { optOuts: 'carrier' } });
    const { code, stderr } = await doctor(healthyDns(), { json: false });
    expect(code).toBe(2);
    expect(stderr).toContain('sms.optOuts');
  });
});
