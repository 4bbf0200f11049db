import { describe, expect, it } from 'vitest';
import {
  type AuthorizationRequest,
  arnMatch,
  evaluate,
  type NamedPolicy,
  type Statement,
} from '../../../../local/iam/evaluate.ts';
import { checkAgainstReference, NotInReference } from '../../../../local/iam/reference.ts';
import {
  type AccountFacts,
  authorizationRequests,
  sendingIdentity,
  UnmodelledCall,
} from '../../../../local/iam/requests.ts';

const ACCOUNT = '000000000000';
const principal = { arn: `arn:aws:iam::${ACCOUNT}:role/Followup-IntakeRole`, account: ACCOUNT };
const MACHINE = `arn:aws:states:local:${ACCOUNT}:stateMachine:Followup-web-inquiry`;
const facts: AccountFacts = {
  partition: 'aws',
  region: 'local',
  account: ACCOUNT,
  verifiedIdentities: new Set(['example.com']),
  bucketKey: () => undefined,
  secretArn: (id) => id,
  // The attribute the table's KeySchema names; deliberately not the stack's own, so nothing assumes "pk".
  partitionKey: (table) => (table === 'followup' ? 'id' : undefined),
};

const policy = (...statements: Statement[]): NamedPolicy => ({
  name: 'Policy',
  document: { Statement: statements },
});
const request = (action: string, resource: string, context: AuthorizationRequest['context'] = {}) => ({
  action,
  resource,
  context,
});
const decide = (policies: NamedPolicy[], r: AuthorizationRequest) =>
  evaluate({ principal, identityPolicies: policies }, r).effect;

describe('IAM evaluation', () => {
  it('allows only what a statement names: action case-insensitively, resource exactly or by wildcard', () => {
    const p = policy({
      Effect: 'Allow',
      Action: 'DynamoDB:GetItem',
      Resource: 'arn:aws:dynamodb:*:*:table/followup',
    });
    expect(decide([p], request('dynamodb:getitem', `arn:aws:dynamodb:local:${ACCOUNT}:table/followup`))).toBe(
      'allow',
    );
    expect(decide([p], request('dynamodb:PutItem', `arn:aws:dynamodb:local:${ACCOUNT}:table/followup`))).toBe(
      'implicit-deny',
    );
    expect(decide([p], request('dynamodb:GetItem', `arn:aws:dynamodb:local:${ACCOUNT}:table/other`))).toBe(
      'implicit-deny',
    );
  });

  it('lets an explicit Deny win over any Allow (the SMS-only grant: Publish on *, topics denied)', () => {
    const p = policy(
      { Effect: 'Allow', Action: 'sns:Publish', Resource: '*' },
      { Effect: 'Deny', Action: 'sns:Publish', Resource: 'arn:*:sns:*:*:*' },
    );
    expect(decide([p], request('sns:Publish', '*'))).toBe('allow');
    expect(decide([p], request('sns:Publish', `arn:aws:sns:local:${ACCOUNT}:AlarmTopic`))).toBe(
      'explicit-deny',
    );
  });

  it('denies StartExecution granted on the alias ARN only: AWS authorizes the unqualified state machine', () => {
    const [start] = authorizationRequests(
      {
        client: 'SFNClient',
        command: 'StartExecutionCommand',
        input: { stateMachineArn: `${MACHINE}:live`, name: 'x' },
      },
      facts,
    );
    expect(start).toMatchObject({ resource: MACHINE, context: { 'states:StateMachineQualifier': 'live' } });
    const aliasOnly = policy({
      Effect: 'Allow',
      Action: 'states:StartExecution',
      Resource: `${MACHINE}:live`,
    });
    expect(decide([aliasOnly], start as AuthorizationRequest)).toBe('implicit-deny');
    const qualified = policy({
      Effect: 'Allow',
      Action: 'states:StartExecution',
      Resource: MACHINE,
      Condition: { StringEquals: { 'states:StateMachineQualifier': 'live' } },
    });
    expect(decide([qualified], start as AuthorizationRequest)).toBe('allow');
    // The same grant does not let anyone start the unqualified machine, skipping the published version.
    const [unqualified] = authorizationRequests(
      { client: 'SFNClient', command: 'StartExecutionCommand', input: { stateMachineArn: MACHINE } },
      facts,
    );
    expect(decide([qualified], unqualified as AuthorizationRequest)).toBe('implicit-deny');
  });

  it('evaluates condition operators as IAM does: IfExists, Null, Bool, ForAnyValue, negation on a missing key', () => {
    const allow = (Condition: Statement['Condition']) =>
      policy({ Effect: 'Allow', Action: '*', Resource: '*', Condition });
    const r = request('s3:GetObject', '*', {
      'aws:SecureTransport': true,
      'ses:Recipients': ['a@x.com', 'b@y.com'],
    });
    expect(decide([allow({ Bool: { 'aws:SecureTransport': 'true' } })], r)).toBe('allow');
    expect(decide([allow({ Bool: { 'aws:SecureTransport': 'false' } })], r)).toBe('implicit-deny');
    expect(decide([allow({ StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } })], r)).toBe('allow');
    expect(decide([allow({ StringEquals: { 'aws:SourceVpc': 'vpc-1' } })], r)).toBe('implicit-deny');
    expect(decide([allow({ Null: { 'aws:SourceVpc': 'true' } })], r)).toBe('allow');
    expect(decide([allow({ 'ForAnyValue:StringLike': { 'ses:Recipients': '*@y.com' } })], r)).toBe('allow');
    expect(decide([allow({ 'ForAllValues:StringLike': { 'ses:Recipients': '*@y.com' } })], r)).toBe(
      'implicit-deny',
    );
    expect(decide([allow({ StringNotEquals: { 'aws:SourceVpc': 'vpc-1' } })], r)).toBe('allow');
  });

  it('needs the key policy for KMS: a key that delegates to the account takes the identity policy too', () => {
    const key = `arn:aws:kms:local:${ACCOUNT}:key/k1`;
    const decrypt = request('kms:Decrypt', key, { 'kms:ViaService': 's3.local.amazonaws.com' });
    const delegating: NamedPolicy = {
      name: 'KeyPolicy',
      document: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
        ],
      },
    };
    const identity = policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: key });
    const kms = (identityPolicies: NamedPolicy[], resourcePolicy?: NamedPolicy) =>
      evaluate(
        {
          principal,
          identityPolicies,
          resourcePolicyRequired: true,
          ...(resourcePolicy ? { resourcePolicy } : {}),
        },
        decrypt,
      ).effect;
    expect(kms([identity], delegating)).toBe('allow');
    expect(kms([], delegating)).toBe('implicit-deny');
    expect(kms([identity])).toBe('implicit-deny');
  });

  it('counts a same-account resource policy Allow, and its Deny (a bucket that refuses plain HTTP)', () => {
    const object = 'arn:aws:s3:::mail/inbound/m1';
    const bucketPolicy: NamedPolicy = {
      name: 'BucketPolicy',
      document: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: principal.arn },
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::mail/*',
          },
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Resource: ['arn:aws:s3:::mail', 'arn:aws:s3:::mail/*'],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    };
    const get = (secure: boolean) =>
      evaluate(
        { principal, identityPolicies: [], resourcePolicy: bucketPolicy },
        request('s3:GetObject', object, { 'aws:SecureTransport': secure }),
      ).effect;
    expect(get(true)).toBe('allow');
    expect(get(false)).toBe('explicit-deny');
  });

  it('matches ARNs segment by segment, so a wildcard never spills across the service or region', () => {
    expect(
      arnMatch(
        'arn:aws:states:*:*:execution:Followup-web-inquiry:*',
        `arn:aws:states:local:${ACCOUNT}:execution:Followup-web-inquiry:abc`,
      ),
    ).toBe(true);
    expect(
      arnMatch(
        'arn:aws:states:*:*:execution:Followup-web-inquiry:*',
        `arn:aws:states:local:${ACCOUNT}:execution:Followup-proposal:abc`,
      ),
    ).toBe(false);
    expect(arnMatch('arn:aws:sns:*:*:*', `arn:aws:sqs:local:${ACCOUNT}:q`)).toBe(false);
  });
});

describe('AWS calls as IAM sees them', () => {
  it('authorizes an SES send on the From address when it is verified as its own identity, else on its domain', () => {
    expect(sendingIdentity('Sales <sales@example.com>', facts)).toBe('example.com');
    const both = { ...facts, verifiedIdentities: new Set(['example.com', 'sales@example.com']) };
    expect(sendingIdentity('"Sales, Inc." <Sales@Example.com>', both)).toBe('sales@example.com');
    const requests = authorizationRequests(
      {
        client: 'SESv2Client',
        command: 'SendEmailCommand',
        input: {
          FromEmailAddress: 'Sales <sales@example.com>',
          Destination: { ToAddresses: ['sam@lead.test'] },
          ConfigurationSetName: 'followup',
        },
      },
      both,
    );
    expect(requests.map((r) => r.resource)).toEqual([
      `arn:aws:ses:local:${ACCOUNT}:identity/sales@example.com`,
      `arn:aws:ses:local:${ACCOUNT}:configuration-set/followup`,
    ]);
    expect(requests[0]?.context).toMatchObject({
      'ses:FromAddress': 'sales@example.com',
      'ses:Recipients': ['sam@lead.test'],
    });
  });

  it('adds kms:Decrypt via S3 for an object in a bucket encrypted with a KMS key', () => {
    const key = `arn:aws:kms:local:${ACCOUNT}:key/k1`;
    const requests = authorizationRequests(
      { client: 'S3Client', command: 'GetObjectCommand', input: { Bucket: 'mail', Key: 'inbound/m1' } },
      { ...facts, bucketKey: (arn) => (arn === 'arn:aws:s3:::mail' ? key : undefined) },
    );
    expect(requests.map((r) => [r.action, r.resource])).toEqual([
      ['s3:GetObject', 'arn:aws:s3:::mail/inbound/m1'],
      ['kms:Decrypt', key],
    ]);
  });

  it('gives dynamodb:LeadingKeys from the attribute the table declares as its partition key', () => {
    const [get] = authorizationRequests(
      {
        client: 'DynamoDBClient',
        command: 'GetItemCommand',
        input: { TableName: 'followup', Key: { id: { S: 'LEAD#1' }, pk: { S: 'not-the-key' } } },
      },
      facts,
    );
    expect(get?.context['dynamodb:LeadingKeys']).toEqual(['LEAD#1']);
    const [other] = authorizationRequests(
      {
        client: 'DynamoDBClient',
        command: 'GetItemCommand',
        input: { TableName: 'other', Key: { id: { S: 'x' } } },
      },
      facts,
    );
    expect(other?.context['dynamodb:LeadingKeys']).toBeUndefined();
  });

  it('gives dynamodb:ReturnValues on a write that asks for the old item, as a policy may condition on it', () => {
    const [put] = authorizationRequests(
      {
        client: 'DynamoDBClient',
        command: 'PutItemCommand',
        input: { TableName: 'followup', Item: { id: { S: 'LEADS#2026-12' } }, ReturnValues: 'ALL_OLD' },
      },
      facts,
    );
    expect(put).toMatchObject({
      action: 'dynamodb:PutItem',
      context: { 'dynamodb:ReturnValues': 'ALL_OLD' },
    });
    const onlyNone = policy({
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource: `arn:aws:dynamodb:local:${ACCOUNT}:table/followup`,
      Condition: { StringEquals: { 'dynamodb:ReturnValues': 'NONE' } },
    });
    expect(decide([onlyNone], put as AuthorizationRequest)).toBe('implicit-deny');
  });

  it('refuses a call whose authorization is not modelled, naming where to add it', () => {
    expect(() =>
      authorizationRequests({ client: 'SFNClient', command: 'ListExecutionsCommand', input: {} }, facts),
    ).toThrow(UnmodelledCall);
  });

  it('checks every request against the Service Authorization Reference: action, resource type, condition keys', async () => {
    await expect(
      checkAgainstReference(
        request('states:StartExecution', MACHINE, { 'states:StateMachineQualifier': 'live' }),
      ),
    ).resolves.toBeUndefined();
    await expect(checkAgainstReference(request('states:StartExecutions', MACHINE))).rejects.toThrow(
      NotInReference,
    );
    await expect(
      checkAgainstReference(request('dynamodb:GetItem', `arn:aws:states:local:${ACCOUNT}:stateMachine:x`)),
    ).rejects.toThrow(/does not take/);
    await expect(
      checkAgainstReference(
        request('states:StopExecution', `arn:aws:states:local:${ACCOUNT}:execution:m:e`, {
          'states:StateMachineQualifier': 'live',
        }),
      ),
    ).rejects.toThrow(/no condition key/);
  });
});
