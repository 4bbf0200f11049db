import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { awsTarget } from '../../../../bin/cadence-test/targets.ts';
import { cadenceTest } from '../../../../bin/commands/cadence-test.ts';
import { UsageError } from '../../../../functions/core/errors.ts';

/*
 * `followup cadence test FILE --to ADDRESS --aws`: the deployed Touch function's own settings (its environment, read
 * with GetFunctionConfiguration) give the sender, the footer and the links; SES v2 and SNS send with the caller's
 * credentials, and without the configuration set, so a test's delivery and open events reach no lead's record.
 */

const FUNCTION = 'Followup-Touch4A1B2C-x9YzAbCdEf';
const FILE = 'cadences/web-inquiry.json';
const OPTIONS = {
  to: 'me@example.com',
  templates: 'templates',
  cadences: 'cadences',
  aws: true,
  region: 'eu-west-1',
} as const;

/** What the stack sets on its Touch function (functions/runtime/env.ts spells the names). */
const TOUCH_ENVIRONMENT = {
  TABLE_NAME: 'Followup-Table-1ABC',
  CADENCES_DIR: '/var/task/cadences',
  TEMPLATES_DIR: '/var/task/templates',
  DEFAULT_TIME_ZONE: 'America/Chicago',
  POWERTOOLS_SERVICE_NAME: 'followup',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  SENDER_EMAIL: '"Northwind Sales" <sales@northwind.example>',
  CONFIGURATION_SET: 'Followup-events',
  REPLY_DOMAIN: 'reply.northwind.example',
  UNSUBSCRIBE_BASE_URL: 'https://api.northwind.example/u/',
  UNSUBSCRIBE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:unsubscribe',
  BUSINESS_NAME: 'Northwind Supply',
  POSTAL_ADDRESS: '400 N Wells St, Chicago, IL 60654',
  OWNER_NAME: 'Sam Rivera',
  OWNER_EMAIL: 'sam@northwind.example',
  FREQUENCY_CAP: '3 per 7 days',
  SMS_ORIGINATION_NUMBER: '+13125550100',
  API_BASE_URL: 'https://api.northwind.example',
};

const awsError = (name: string, message: string) =>
  Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 403 } });

const cloudformation = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const dynamodb = mockClient(DynamoDBClient);

const noPause = async () => {};
const sentEmails = () => ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input);

beforeEach(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test-secret');
  vi.stubEnv('AWS_PROFILE', '');
  for (const client of [cloudformation, lambda, ses, sns, dynamodb]) client.reset();
  cloudformation.on(DescribeStacksCommand, { StackName: 'Followup' }).resolves({
    Stacks: [
      {
        StackName: 'Followup',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: [
          { OutputKey: 'TableName', OutputValue: 'Followup-Table-1ABC' },
          { OutputKey: 'TouchFunctionName', OutputValue: FUNCTION },
        ],
      },
    ],
  });
  lambda
    .on(GetFunctionConfigurationCommand, { FunctionName: FUNCTION })
    .resolves({ FunctionName: FUNCTION, Environment: { Variables: TOUCH_ENVIRONMENT } });
  let n = 0;
  ses.on(SendEmailCommand).callsFake(async () => ({ MessageId: `ses-${++n}` }));
  sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
});

afterEach(() => {
  for (const client of [cloudformation, lambda, ses, sns, dynamodb]) client.reset();
  vi.unstubAllEnvs();
});

describe('cadence test --aws', () => {
  it('sends one [TEST] email per touch from the Touch function’s sender, without its configuration set', async () => {
    // Act
    const { sent, label } = await cadenceTest(FILE, OPTIONS, undefined, noPause);

    // Assess: web-inquiry's 8 touches, each one message to the test address.
    const emails = sentEmails();
    expect(sent).toHaveLength(8);
    expect(emails).toHaveLength(8);
    for (const email of emails) {
      expect(email.FromEmailAddress).toBe(TOUCH_ENVIRONMENT.SENDER_EMAIL);
      expect(email.Destination?.ToAddresses).toEqual(['me@example.com']);
      expect(email.Content?.Simple?.Subject?.Data).toMatch(/^\[TEST\] /);
      expect(email).not.toHaveProperty('ConfigurationSetName');
    }
    expect(label).toBe(`SES in eu-west-1 from ${TOUCH_ENVIRONMENT.SENDER_EMAIL} (the stack Followup)`);
    expect(await ses.call(0).thisValue.config.region()).toBe('eu-west-1');
    // Read-only for the stack: no lead, enrollment or task written, no text sent without --phone.
    expect(dynamodb.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
    expect(lambda.commandCalls(GetFunctionConfigurationCommand).map((c) => c.args[0].input)).toEqual([
      { FunctionName: FUNCTION },
    ]);
  });

  it('renders with the deployed settings: their postal address, reply domain and unsubscribe links', async () => {
    await cadenceTest(FILE, OPTIONS, undefined, noPause);

    const first = sentEmails()[0];
    expect(first?.Content?.Simple?.Body?.Text?.Data).toContain(TOUCH_ENVIRONMENT.POSTAL_ADDRESS);
    expect(first?.ReplyToAddresses?.[0]).toMatch(/^reply\+.+@reply\.northwind\.example$/);
    const unsubscribe = first?.Content?.Simple?.Headers?.find((h) => h.Name === 'List-Unsubscribe');
    expect(unsubscribe?.Value).toContain('https://api.northwind.example/u/');
  });

  it('sends the texts to --phone through SNS Publish, from the stack’s origination number', async () => {
    // Act
    const { sent } = await cadenceTest(FILE, { ...OPTIONS, phone: '+13125550142' }, undefined, noPause);

    // Assess: the two sms touches as texts, the other six as emails.
    const texts = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(texts.map((t) => t.PhoneNumber)).toEqual(['+13125550142', '+13125550142']);
    for (const text of texts) {
      expect(text.MessageAttributes?.['AWS.MM.SMS.OriginationNumber']?.StringValue).toBe('+13125550100');
      expect(text.MessageAttributes?.['AWS.SNS.SMS.SMSType']?.StringValue).toBe('Promotional');
    }
    expect(sent.filter((s) => s.via === 'sms').map((s) => s.step)).toEqual(['text-offer', 'timing-text']);
    expect(sentEmails()).toHaveLength(6);
    expect(await sns.call(0).thisValue.config.region()).toBe('eu-west-1');
  });

  it('names lambda:GetFunctionConfiguration when the caller may not read the function, and sends nothing', async () => {
    // Prepare
    lambda
      .on(GetFunctionConfigurationCommand)
      .rejects(
        awsError(
          'AccessDeniedException',
          `User: arn:aws:iam::123456789012:user/dana is not authorized to perform: lambda:GetFunctionConfiguration on resource: ${FUNCTION}`,
        ),
      );

    // Act / Assess
    await expect(cadenceTest(FILE, OPTIONS, undefined, noPause)).rejects.toThrow(
      new UsageError(
        `you may not read ${FUNCTION}'s settings: your IAM needs lambda:GetFunctionConfiguration on it`,
      ),
    );
    expect(ses.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
  });

  it('names ses:SendEmail and the sender when the caller may not send, and the sandbox when --to is not verified', async () => {
    // Prepare: the caller's IAM lacks ses:SendEmail; then the account is in the SES sandbox
    ses
      .on(SendEmailCommand)
      .rejectsOnce(
        awsError(
          'AccessDeniedException',
          'User: arn:aws:iam::123456789012:user/dana is not authorized to perform: ses:SendEmail on resource: arn:aws:ses:eu-west-1:123456789012:identity/northwind.example',
        ),
      )
      .rejectsOnce(
        Object.assign(
          new Error(
            'Email address is not verified. The following identities failed the check in region EU-WEST-1: me@example.com',
          ),
          { name: 'MessageRejected', $fault: 'client', $metadata: { httpStatusCode: 400 } },
        ),
      );

    // Act
    const denied = await cadenceTest(FILE, OPTIONS, undefined, noPause).then(
      () => new Error('sent'),
      (e: Error) => e,
    );
    const sandbox = await cadenceTest(FILE, OPTIONS, undefined, noPause).then(
      () => new Error('sent'),
      (e: Error) => e,
    );

    // Assess: one line each, saying what to grant or verify; nothing else was tried after the refusal
    expect(denied).toBeInstanceOf(UsageError);
    expect(denied.message).toMatch(/ses:SendEmail/);
    expect(denied.message).toContain('sales@northwind.example');
    expect(sandbox).toBeInstanceOf(UsageError);
    expect(sandbox.message).toMatch(/sandbox/);
    expect(sandbox.message).toContain('--to');
  });

  it('says how to set credentials when AWS rejects them', async () => {
    lambda
      .on(GetFunctionConfigurationCommand)
      .rejects(awsError('ExpiredTokenException', 'The security token included in the request is expired'));

    await expect(awsTarget({ region: 'eu-west-1' })).rejects.toThrow(
      /^AWS rejected your credentials \(ExpiredTokenException\): refresh them/,
    );
  });

  it('says what Lambda said when it cannot decrypt the function’s environment', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({
      Environment: {
        Error: {
          ErrorCode: 'KMSAccessDeniedException',
          Message: 'Lambda was unable to decrypt the environment variables',
        },
      },
    });

    await expect(awsTarget({ region: 'eu-west-1' })).rejects.toThrow(
      new UsageError(
        `cannot read ${FUNCTION}'s settings: Lambda says KMSAccessDeniedException: Lambda was unable to decrypt the environment variables`,
      ),
    );
  });

  it('says to deploy this version when the function lacks a setting this CLI reads', async () => {
    // Prepare: a Touch function deployed before SENDER_EMAIL existed
    const { SENDER_EMAIL: _, ...older } = TOUCH_ENVIRONMENT;
    lambda.on(GetFunctionConfigurationCommand).resolves({ Environment: { Variables: older } });

    // Act
    const error = await awsTarget({ region: 'eu-west-1' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^${FUNCTION} is not set up as this version of Followup expects \\(environment variable SENDER_EMAIL .+\\); deploy it \\(npx cdk deploy\\)$`,
      ),
    );
  });

  it('says to deploy this version when the stack names no Touch function, and reads no function', async () => {
    cloudformation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'Followup',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: 'TableName', OutputValue: 'Followup-Table-1ABC' }],
        },
      ],
    });

    await expect(awsTarget({ region: 'eu-west-1' })).rejects.toThrow(
      new UsageError(
        'the stack "Followup" has no TouchFunctionName output; deploy this version of Followup (npx cdk deploy), which names its Touch function there',
      ),
    );
    expect(lambda.calls()).toHaveLength(0);
  });
});
