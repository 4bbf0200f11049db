import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import {
  ExecutionDoesNotExist,
  SFNClient,
  SFNServiceException,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoLeadStore } from '../../../../functions/adapters/dynamo/lead-store.ts';
import { parseMime } from '../../../../functions/adapters/mime.ts';
import { S3RawMailStore, StoredMailEncrypted } from '../../../../functions/adapters/s3-raw-mail-store.ts';
import { SfnExecutions } from '../../../../functions/adapters/sfn-executions.ts';
import { leadUpsert } from '../../../../functions/domain/enroll.ts';
import { leadIdFor, suppressionKey } from '../../../../functions/domain/lead.ts';
import { openEnvelope, storedBySes } from '../../../integ/ses-s3-action.ts';
import { ARN_TEMPLATE, CREDENTIALS, REGION } from '../../../support/signal-fixtures.ts';

const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBDocumentClient);

const AT = '2026-03-05T18:00:00.000Z';
const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/0d3c1e5a-7b9f-4c2d-8e6a-1f2b3c4d5e6f';
const REPLY = [
  'From: =?UTF-8?Q?Jordan_=C3=81lvarez?= <jordan@example.com>',
  'To: reply+token@reply.northwind.example',
  'Subject: Re: Your quote',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Tuesday works for me.',
  '',
].join('\r\n');
const LEAD_ID = leadIdFor('jordan@example.com');
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const throttled = () =>
  new SFNServiceException({
    name: 'ThrottlingException',
    $fault: 'client',
    message: 'Rate exceeded',
    $metadata: { httpStatusCode: 400 },
  });

const executions = () =>
  new SfnExecutions({
    client: new SFNClient({ region: REGION, credentials: CREDENTIALS }),
    stateMachineArnTemplate: ARN_TEMPLATE,
  });
const store = () =>
  new DynamoLeadStore({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: REGION, credentials: CREDENTIALS })),
    tableName: 'followup-test',
  });

beforeEach(() => {
  sfn.reset();
  s3.reset();
  dynamo.reset();
});

describe('SfnExecutions.stop', () => {
  it('stops the execution of the enrollment: the alias ARN turned into the execution ARN', async () => {
    // Prepare
    sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });

    // Act
    await executions().stop('web-inquiry', 'web-inquiry-ld_x-0123456789abcdef');

    // Assess
    expect(sfn.commandCalls(StopExecutionCommand).map((c) => c.args[0].input)).toEqual([
      {
        executionArn:
          'arn:aws:states:us-east-1:123456789012:execution:Followup-web-inquiry:web-inquiry-ld_x-0123456789abcdef',
      },
    ]);
  });

  it('an execution that does not exist (never started, long gone) is success', async () => {
    // Prepare
    sfn
      .on(StopExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));

    // Act
    const result = await executions().stop('web-inquiry', 'gone');

    // Assess
    expect(result).toBeUndefined();
  });

  it('throttling becomes TransientError, so the signal is retried', async () => {
    // Prepare
    sfn.on(StopExecutionCommand).rejects(throttled());

    // Act
    const error = await executions()
      .stop('web-inquiry', 'x')
      .catch((e: Error) => e);

    // Assess
    expect((error as Error).name).toBe('TransientError');
  });
});

describe('S3RawMailStore', () => {
  it('reads <prefix><messageId> from the bucket', async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({
      Body: { transformToByteArray: async () => Buffer.from('From: a@b\r\n\r\nhi') } as never,
    });
    const mail = new S3RawMailStore({
      client: new S3Client({ region: REGION, credentials: CREDENTIALS }),
      bucket: 'inbound',
      prefix: 'replies/',
    });

    // Act
    const raw = await mail.get('msg-1');

    // Assess
    expect(Buffer.from(raw ?? []).toString()).toContain('hi');
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'inbound',
      Key: 'replies/msg-1',
    });
  });

  it('a missing object is undefined; a throttle is TransientError', async () => {
    // Prepare
    const mail = new S3RawMailStore({
      client: new S3Client({ region: REGION, credentials: CREDENTIALS }),
      bucket: 'b',
    });
    s3.on(GetObjectCommand, { Key: 'missing' }).rejects(
      new S3ServiceException({ name: 'NoSuchKey', $fault: 'client', $metadata: { httpStatusCode: 404 } }),
    );
    s3.on(GetObjectCommand, { Key: 'busy' }).rejects(
      new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 } }),
    );

    // Act
    const missing = await mail.get('missing');
    const busy = await mail.get('busy').catch((e: Error) => e);

    // Assess
    expect(missing).toBeUndefined();
    expect((busy as Error).name).toBe('TransientError');
  });

  it('mail SES stored client-side encrypted (the S3 action names a KMS key) is refused, never handed on as text', async () => {
    // Prepare
    const action = { kmsKeyArn: KMS_KEY, ruleName: 'replies', account: '123456789012' };
    const stored = storedBySes(action, 'msg-enc', REPLY);
    s3.on(GetObjectCommand).resolves(stored as never);
    const mail = new S3RawMailStore({
      client: new S3Client({ region: REGION, credentials: CREDENTIALS }),
      bucket: 'inbound',
      prefix: 'inbound/',
    });

    // Act
    const error = await mail.get('msg-enc').catch((e: Error) => e);

    // Assess
    expect(error).toBeInstanceOf(StoredMailEncrypted);
    expect((error as Error).name).toBe('StoredMailEncrypted');
    expect((error as Error).message).toBe(
      "the mail at inbound/msg-enc is stored client-side encrypted: remove kmsKey from the receipt rule's S3 action (S3 still encrypts every object at rest)",
    );
    expect(stored.destroyed()).toBe(true);
    // The fixture is a real envelope: the S3 encryption client would open it.
    expect(await openEnvelope(action, stored)).toBe(REPLY);
  });

  it('mail SES stored without a KMS key is the MIME as received', async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves(
      storedBySes({ ruleName: 'replies', account: '123456789012' }, 'msg-plain', REPLY) as never,
    );
    const mail = new S3RawMailStore({
      client: new S3Client({ region: REGION, credentials: CREDENTIALS }),
      bucket: 'inbound',
    });

    // Act
    const raw = await mail.get('msg-plain');

    // Assess
    expect(Buffer.from(raw ?? []).toString('utf8')).toBe(REPLY);
  });
});

describe('parseMime', () => {
  it('keeps the receipt: its id, its envelope recipients and every SES verdict, beside what the MIME says', async () => {
    // Prepare
    const receipt = {
      messageId: 'msg-v',
      receivedAt: AT,
      recipients: ['reply+token@reply.northwind.example'],
      verdicts: { spam: 'PASS', virus: 'PASS', spf: 'FAIL', dkim: 'GRAY', dmarc: 'FAIL' } as const,
    };

    // Act
    const mail = await parseMime(REPLY, receipt);

    // Assess
    expect(mail).toMatchObject({
      messageId: 'msg-v',
      receivedAt: AT,
      from: 'jordan@example.com',
      fromName: 'Jordan Álvarez',
      subject: 'Re: Your quote',
      verdicts: { spam: 'PASS', virus: 'PASS', spf: 'FAIL', dkim: 'GRAY', dmarc: 'FAIL' },
    });
    expect(mail.recipients).toEqual(['reply+token@reply.northwind.example']);
    expect(mail.text).toContain('Tuesday works');
  });
});

describe('DynamoLeadStore: signals', () => {
  it('claims a signal with a conditional put of SIGNAL#<id> on the lead; a duplicate gets false', async () => {
    // Prepare
    dynamo.on(PutCommand).resolvesOnce({}).rejects(conditionFailed());
    const marker = {
      leadId: LEAD_ID,
      signalId: 'email:m-1',
      type: 'reply',
      source: 'ses-inbound',
      claimedAt: AT,
    };

    // Act
    const first = await store().claimSignal(marker, '2026-03-05T17:45:00.000Z');
    const second = await store().claimSignal(marker, '2026-03-05T17:45:00.000Z');

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      Item: { pk: `LEAD#${LEAD_ID}`, sk: 'SIGNAL#email:m-1', state: 'applying', signalType: 'reply' },
      ConditionExpression: 'attribute_not_exists(pk) OR (#state = :applying AND claimedAt < :stale)',
      ExpressionAttributeValues: { ':applying': 'applying', ':stale': '2026-03-05T17:45:00.000Z' },
    });
  });

  it('a signal that matched no lead keeps its marker in its own partition', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});

    // Act
    await store().claimSignal(
      { signalId: 'email:m-9', type: 'unmatched-email', source: 'ses-inbound', claimedAt: AT },
      AT,
    );

    // Assess
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({
      pk: 'SIGNAL#email:m-9',
      sk: 'SIGNAL#email:m-9',
    });
  });

  it('changes the status and the deal facts in one conditional update', async () => {
    // Prepare
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(PutCommand).resolves({});

    // Act
    await store().changeStatus(
      LEAD_ID,
      'active',
      'won',
      { at: AT, kind: 'status', source: 'rep', from: 'active', to: 'won' },
      { dealValue: 1200, dealCurrency: 'USD', wonAt: AT },
    );

    // Assess
    const [update, ...more] = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(more).toEqual([]);
    expect(update?.ConditionExpression).toBe('#status = :from');
    expect(update?.UpdateExpression).toBe(
      'SET #status = :to, statusChangedAt = :at, updatedAt = :at, sendsVersion = if_not_exists(sendsVersion, :zero) + :one, #f0 = :f0, #f1 = :f1, #f2 = :f2',
    );
    expect(update?.ExpressionAttributeNames).toMatchObject({
      '#f0': 'dealValue',
      '#f1': 'dealCurrency',
      '#f2': 'wonAt',
    });
  });

  it('revokes SMS consent with SET and REMOVE on an existing lead', async () => {
    // Prepare
    dynamo.on(UpdateCommand).resolves({});

    // Act
    const updated = await store().updateLead(LEAD_ID, { smsOptedOutAt: AT }, ['smsConsent']);

    // Assess
    expect(updated).toBe(true);
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      UpdateExpression: 'SET #smsOptedOutAt = :v0 REMOVE #smsConsent',
      ConditionExpression: 'attribute_exists(pk)',
    });
  });

  it('suppresses by hash, keeping the first reason; START lifts only an SMS STOP', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(conditionFailed());
    dynamo.on(DeleteCommand).rejects(conditionFailed());
    const hash = suppressionKey('+13125550142');

    // Act
    await store().suppress([hash], { reason: 'sms-stop', source: 'sms', at: AT });
    const lifted = await store().unsuppress(hash, 'sms-stop');

    // Assess
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      Item: { pk: `SUPPRESS#${hash}`, sk: 'SUPPRESS', reason: 'sms-stop' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(lifted).toBe(false);
    expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: '#reason = :reason',
      ExpressionAttributeValues: { ':reason': 'sms-stop' },
    });
  });

  it('an upsert with a phone writes the PHONE#<sha256> → lead item, no number in the key', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
    const upsert = leadUpsert(LEAD_ID, { email: 'jordan@example.com', phone: '+13125550142' }, AT);

    // Act
    await store().upsertLead(upsert);

    // Assess
    const hash = createHash('sha256').update('+13125550142').digest('hex');
    // A new lead's lookup goes with its listing, in one BatchWriteItem.
    const lookup = dynamo
      .commandCalls(BatchWriteCommand)
      .flatMap((c) => c.args[0].input.RequestItems?.['followup-test'] ?? [])
      .map((r) => r.PutRequest?.Item)
      .find((i) => i?.sk === 'PHONE');
    expect(lookup).toEqual({ pk: `PHONE#${hash}`, sk: 'PHONE', type: 'lookup', leadId: LEAD_ID });
  });
});
