import {
  InvokeCommand,
  type InvokeCommandOutput,
  LambdaClient,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { LambdaReplyReader } from '../../../../functions/adapters/lambda-reply-reader.ts';
import { quarantinedReply } from '../../../../functions/domain/parsed-reply.ts';

const lambda = mockClient(LambdaClient);
const REPLY = quarantinedReply(
  { messageId: 'msg-1', receivedAt: '2026-12-07T15:00:00.000Z', recipients: [], verdicts: { virus: 'FAIL' } },
  'inbound/msg-1',
);
const reader = () =>
  new LambdaReplyReader({
    client: new LambdaClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    }),
    functionName: 'Followup-ReadReply',
  });
// The SDK wraps the bytes in a blob adapter; the reader reads them as bytes either way.
const json = (value: unknown) =>
  new TextEncoder().encode(JSON.stringify(value)) as InvokeCommandOutput['Payload'];

beforeEach(() => lambda.reset());

describe('LambdaReplyReader', () => {
  it('invokes the reader synchronously with the reply and returns its result', async () => {
    // Prepare
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: json({ kind: 'quarantined', outcome: 'recorded' }) });

    // Act
    const result = await reader().read(REPLY);

    // Assess
    expect(result).toEqual({ kind: 'quarantined', outcome: 'recorded' });
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input?.FunctionName).toBe('Followup-ReadReply');
    expect(input?.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toEqual(REPLY);
  });

  it("fails with the reader's own error when the reader failed (Invoke itself succeeds then)", async () => {
    // Prepare: how Lambda answers a function error: 200, FunctionError set, the error as the payload
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: json({ errorType: 'TransientError', errorMessage: 'DynamoDB: ThrottlingException' }),
    });

    // Act / Assess
    await expect(reader().read(REPLY)).rejects.toMatchObject({
      name: 'ReplyReadFailed',
      message: expect.stringContaining('TransientError: DynamoDB: ThrottlingException'),
    });
  });

  it('a throttled Invoke is a transient error, and an empty answer is no result', async () => {
    // Prepare
    lambda
      .on(InvokeCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves({ StatusCode: 200, Payload: json(null) });

    // Act / Assess
    await expect(reader().read(REPLY)).rejects.toMatchObject({ name: 'TransientError' });
    await expect(reader().read(REPLY)).rejects.toMatchObject({ name: 'ReplyReadFailed' });
  });

  it('hands a text to the reader as kind "sms" and returns what was done with it', async () => {
    // Prepare
    const text = {
      id: 'in-1',
      from: '+13125550142',
      to: '+12175550100',
      body: 'not now, try me in March',
      receivedAt: '2026-03-05T17:59:30.000Z',
    };
    lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: json({ intent: 'message', leadId: 'L1', outcome: 'applied' }) });

    // Act
    const result = await reader().readSms(text);

    // Assess
    expect(result).toEqual({ intent: 'message', leadId: 'L1', outcome: 'applied' });
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input?.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toEqual({
      kind: 'sms',
      ...text,
    });
  });

  it("a text the reader failed on fails with the reader's error; an answer that is no text result too", async () => {
    const text = {
      id: 'in-2',
      from: '+13125550142',
      to: '+1',
      body: 'hi',
      receivedAt: '2026-03-05T18:00:00Z',
    };
    lambda.on(InvokeCommand).resolvesOnce({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: json({ errorType: 'TransientError', errorMessage: 'DynamoDB: ThrottlingException' }),
    });
    await expect(reader().readSms(text)).rejects.toMatchObject({
      name: 'ReplyReadFailed',
      message: expect.stringContaining('in-2: TransientError'),
    });
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: json({ kind: 'reply' }) });
    await expect(reader().readSms(text)).rejects.toMatchObject({ name: 'ReplyReadFailed' });
  });
});
