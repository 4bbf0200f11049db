import type { AuthorizationRequest, ContextValues } from './evaluate.ts';

/*
 * How AWS authorizes each API call the handlers make: the IAM action, the resource ARN and the condition keys, as the
 * Service Authorization Reference (and each service's guide) defines them. A call with no entry here fails loudly,
 * so a new call is modelled before it can pass a test. checkAgainstReference (reference.ts) verifies every request
 * built here against the reference's own data.
 */

export interface AwsCall {
  /** The SDK client, e.g. "SFNClient". */
  readonly client: string;
  /** The SDK command, e.g. "StartExecutionCommand". */
  readonly command: string;
  /** The command's input as sent (DynamoDB attribute values already marshalled). */
  readonly input: Record<string, unknown>;
}

export interface AccountFacts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** SES identities verified for sending, lower case: domains and email addresses. */
  readonly verifiedIdentities: ReadonlySet<string>;
  /** The SSE-KMS key of a bucket, when it has one. */
  readonly bucketKey: (bucketArn: string) => string | undefined;
  /** The ARN of a secret given by name or ARN. */
  readonly secretArn: (secretId: string) => string;
  /** The partition-key attribute of a table, as its KeySchema declares it: what `dynamodb:LeadingKeys` reads. */
  readonly partitionKey: (tableName: string) => string | undefined;
}

export class UnmodelledCall extends Error {
  override readonly name = 'UnmodelledCall';
}

/** The error name each service answers a denied call with. */
export const DENIED_ERROR: Readonly<Record<string, string>> = {
  DynamoDBClient: 'AccessDeniedException',
  SFNClient: 'AccessDeniedException',
  SESv2Client: 'AccessDeniedException',
  SNSClient: 'AuthorizationError',
  SecretsManagerClient: 'AccessDeniedException',
  S3Client: 'AccessDenied',
  LambdaClient: 'AccessDeniedException',
};

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** `Name <a@b>`, `"Name" <a@b>` or `a@b` → `a@b`, lower case. */
export function addressOf(mailbox: string): string {
  const angle = /<([^<>]+)>\s*$/.exec(mailbox);
  return (angle?.[1] ?? mailbox).trim().toLowerCase();
}

function displayNameOf(mailbox: string): string | undefined {
  const angle = /^(.*)<[^<>]+>\s*$/.exec(mailbox);
  const name = angle?.[1]?.trim().replace(/^"(.*)"$/, '$1');
  return name ? name : undefined;
}

/** The From header of a raw MIME message (SES reads it when FromEmailAddress is absent). */
function rawFrom(raw: unknown): string {
  const data = raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : str(raw);
  const headers = data.split(/\r?\n\r?\n/, 1)[0] ?? '';
  return /^From:\s*(.+(?:\r?\n[ \t].+)*)/im.exec(headers)?.[1]?.replace(/\r?\n[ \t]/g, ' ') ?? '';
}

/**
 * SES authorizes a send on the identity it sends as: the From address when it is verified as an identity of its
 * own, else its domain (SES Developer Guide, "Sending authorization": email-address identities take precedence).
 */
export function sendingIdentity(from: string, facts: AccountFacts): string {
  const address = addressOf(from);
  const domain = address.split('@')[1] ?? address;
  return facts.verifiedIdentities.has(address) ? address : domain;
}

export function authorizationRequests(call: AwsCall, facts: AccountFacts): AuthorizationRequest[] {
  const { partition, region, account } = facts;
  const arn = (service: string, resource: string) =>
    `arn:${partition}:${service}:${region}:${account}:${resource}`;
  const secure: ContextValues = { 'aws:SecureTransport': true, 'aws:RequestedRegion': region };
  const operation = call.command.replace(/Command$/, '');
  const input = call.input;
  switch (call.client) {
    case 'DynamoDBClient': {
      const table = arn('dynamodb', `table/${str(input.TableName)}`);
      const keyName = facts.partitionKey(str(input.TableName));
      const attribute = (item: unknown) =>
        keyName ? (item as Record<string, { S?: string }> | undefined)?.[keyName]?.S : undefined;
      const leadingKey = attribute(input.Key) ?? attribute(input.Item);
      const leading: ContextValues = leadingKey ? { 'dynamodb:LeadingKeys': [leadingKey] } : {};
      // A write that asks for the old or new item (the listings' ALL_OLD put) carries dynamodb:ReturnValues.
      const returns = str(input.ReturnValues);
      const returnValues: ContextValues = returns ? { 'dynamodb:ReturnValues': returns } : {};
      switch (operation) {
        case 'GetItem':
        case 'PutItem':
        case 'UpdateItem':
        case 'DeleteItem':
          return [
            {
              action: `dynamodb:${operation}`,
              resource: table,
              context: { ...secure, ...leading, ...returnValues },
            },
          ];
        case 'Query':
        case 'Scan':
          return [
            {
              action: `dynamodb:${operation}`,
              resource: input.IndexName ? `${table}/index/${str(input.IndexName)}` : table,
              context: secure,
            },
          ];
        case 'BatchWriteItem':
        case 'BatchGetItem':
          // One request per table named, its dynamodb:LeadingKeys every partition the batch touches there.
          return Object.entries((input.RequestItems ?? {}) as Record<string, unknown>).map(
            ([name, items]) => {
              const keyName = facts.partitionKey(name);
              const of = (item: unknown) =>
                keyName ? (item as Record<string, { S?: string }> | undefined)?.[keyName]?.S : undefined;
              const keys = batchKeys(items)
                .map(of)
                .filter((k): k is string => k !== undefined);
              return {
                action: `dynamodb:${operation}`,
                resource: arn('dynamodb', `table/${name}`),
                context: {
                  ...secure,
                  ...(keys.length > 0 ? { 'dynamodb:LeadingKeys': [...new Set(keys)] } : {}),
                },
              };
            },
          );
      }
      break;
    }
    case 'SFNClient': {
      switch (operation) {
        case 'StartExecution': {
          // Authorized on the unqualified state machine; an alias or version is the qualifier condition key.
          const parts = str(input.stateMachineArn).split(':');
          const qualifier = parts.length > 7 ? parts.slice(7).join(':') : undefined;
          return [
            {
              action: 'states:StartExecution',
              resource: parts.slice(0, 7).join(':'),
              context: { ...secure, ...(qualifier ? { 'states:StateMachineQualifier': qualifier } : {}) },
            },
          ];
        }
        case 'StopExecution':
        case 'DescribeExecution':
          return [{ action: `states:${operation}`, resource: str(input.executionArn), context: secure }];
      }
      break;
    }
    case 'SESv2Client': {
      if (operation !== 'SendEmail') break;
      const raw = (input.Content as { Raw?: { Data?: unknown } } | undefined)?.Raw?.Data;
      const from = str(input.FromEmailAddress) || rawFrom(raw);
      const destination = (input.Destination ?? {}) as Record<string, string[] | undefined>;
      const recipients = [
        ...(destination.ToAddresses ?? []),
        ...(destination.CcAddresses ?? []),
        ...(destination.BccAddresses ?? []),
      ].map(addressOf);
      const displayName = displayNameOf(from);
      const context: ContextValues = {
        ...secure,
        'ses:ApiVersion': '2',
        'ses:FromAddress': addressOf(from),
        ...(recipients.length > 0 ? { 'ses:Recipients': recipients } : {}),
        ...(displayName ? { 'ses:FromDisplayName': displayName } : {}),
      };
      const identity =
        str(input.FromEmailAddressIdentityArn) || arn('ses', `identity/${sendingIdentity(from, facts)}`);
      const requests: AuthorizationRequest[] = [{ action: 'ses:SendEmail', resource: identity, context }];
      if (input.ConfigurationSetName) {
        requests.push({
          action: 'ses:SendEmail',
          resource: arn('ses', `configuration-set/${str(input.ConfigurationSetName)}`),
          context,
        });
      }
      return requests;
    }
    case 'SNSClient': {
      // A Read action with no resource type: "*" only.
      if (operation === 'CheckIfPhoneNumberIsOptedOut') {
        return [{ action: 'sns:CheckIfPhoneNumberIsOptedOut', resource: '*', context: secure }];
      }
      if (operation !== 'Publish') break;
      const target = str(input.TopicArn) || str(input.TargetArn);
      // A text to a phone number names no topic: IAM evaluates it on "*" (only a real account can confirm it).
      return [{ action: 'sns:Publish', resource: target || '*', context: secure }];
    }
    case 'SecretsManagerClient': {
      if (operation !== 'GetSecretValue') break;
      const secret = facts.secretArn(str(input.SecretId));
      return [
        {
          action: 'secretsmanager:GetSecretValue',
          resource: secret,
          context: { ...secure, 'secretsmanager:SecretId': secret },
        },
      ];
    }
    case 'LambdaClient': {
      if (operation !== 'Invoke') break;
      // FunctionName is a name, a partial ARN or an ARN (Lambda API reference, Invoke); IAM sees the function's ARN.
      const name = str(input.FunctionName);
      const resource = name.startsWith('arn:')
        ? name
        : arn('lambda', `function:${name.split(':').at(-1) ?? ''}`);
      return [{ action: 'lambda:InvokeFunction', resource, context: secure }];
    }
    case 'S3Client': {
      if (operation !== 'GetObject') break;
      const bucketArn = `arn:${partition}:s3:::${str(input.Bucket)}`;
      const requests: AuthorizationRequest[] = [
        {
          action: 's3:GetObject',
          resource: `${bucketArn}/${str(input.Key)}`,
          context: { ...secure, 's3:ResourceAccount': account },
        },
      ];
      // An SSE-KMS object is decrypted by S3 on the caller's behalf: the caller needs kms:Decrypt via S3.
      const key = facts.bucketKey(bucketArn);
      if (key) {
        requests.push({
          action: 'kms:Decrypt',
          resource: key,
          context: {
            ...secure,
            'kms:ViaService': `s3.${region}.amazonaws.com`,
            'kms:CallerAccount': account,
            'kms:EncryptionContext:aws:s3:arn': bucketArn,
          },
        });
      }
      return requests;
    }
  }
  throw new UnmodelledCall(
    `${call.client} ${call.command}: how AWS authorizes this call is not modelled in local/iam/requests.ts; add it from the Service Authorization Reference`,
  );
}

/** The keys or items a batch names for one table: BatchWriteItem's puts and deletes, BatchGetItem's keys. */
function batchKeys(items: unknown): unknown[] {
  if (Array.isArray(items)) {
    return items.map((request) => {
      const r = request as { PutRequest?: { Item?: unknown }; DeleteRequest?: { Key?: unknown } };
      return r.PutRequest?.Item ?? r.DeleteRequest?.Key;
    });
  }
  return ((items as { Keys?: unknown[] } | undefined)?.Keys ?? []) as unknown[];
}
