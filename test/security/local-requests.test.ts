import { request } from 'node:http';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enroll, mailboxOf, startTestRuntime, type TestRuntime } from '../integ/harness.ts';

/*
 * What a hostile or broken client sends the local runtime: to its AWS stand-in (the shim the handlers' SDK clients
 * talk to) and to its HTTP server. Each bad request gets a 4xx in the shape its protocol uses; none stops the
 * runtime, and a huge body is refused as soon as it passes the limit, without being read to its end.
 */

let engine: TestRuntime;
beforeAll(async () => {
  engine = await startTestRuntime();
});
afterAll(async () => {
  await engine?.stop();
});

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const JSON_1_1 = 'application/x-amz-json-1.1';
const JSON_1_0 = 'application/x-amz-json-1.0';

async function aws(target: string | undefined, body: string, contentType = JSON_1_1) {
  const response = await fetch(engine.runtime.awsUrl, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(target ? { 'x-amz-target': target } : {}) },
    body,
  });
  return { status: response.status, text: await response.text() };
}

/**
 * Streams `total` bytes of body (never held in memory) and reports the answer and how much had been sent when it
 * came: a server that stops reading at its limit answers long before the upload could finish.
 */
function upload(url: string, headers: Record<string, string | number>, total: number) {
  return new Promise<{ status?: number; body: string; sent: number }>((resolve) => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const req = request(url, { method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ ...(res.statusCode ? { status: res.statusCode } : {}), body, sent }));
    });
    req.on('error', () => resolve({ body: '', sent }));
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

const HUGE = 540 * 1024 * 1024;

describe('the local AWS stand-in', () => {
  it.each([
    ['"{" to Secrets Manager', 'secretsmanager.GetSecretValue', '{', 400, 'SerializationException'],
    ['no body to Secrets Manager', 'secretsmanager.GetSecretValue', '', 400, 'InvalidParameterException'],
    ['JSON null to Secrets Manager', 'secretsmanager.GetSecretValue', 'null', 400, 'SerializationException'],
    [
      'a SecretId that is a number',
      'secretsmanager.GetSecretValue',
      '{"SecretId":7}',
      400,
      'InvalidParameterException',
    ],
    [
      'another Secrets Manager operation',
      'secretsmanager.DeleteSecret',
      '{}',
      400,
      'UnknownOperationException',
    ],
    [
      '"{" to Step Functions',
      'AWSStepFunctions.StartExecution',
      '{',
      400,
      'com.amazonaws.states#SerializationException',
    ],
    [
      'a list to Step Functions',
      'AWSStepFunctions.StartExecution',
      '[]',
      400,
      'com.amazonaws.states#SerializationException',
    ],
    [
      'a start with no machine',
      'AWSStepFunctions.StartExecution',
      '{}',
      400,
      'com.amazonaws.states#ValidationException',
    ],
    [
      'a start whose input is not JSON text',
      'AWSStepFunctions.StartExecution',
      JSON.stringify({
        stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Followup-web-inquiry:live',
        input: { leadId: 'x' },
      }),
      400,
      'com.amazonaws.states#InvalidExecutionInput',
    ],
    [
      'a describe with no execution',
      'AWSStepFunctions.DescribeExecution',
      '{}',
      400,
      'com.amazonaws.states#ValidationException',
    ],
    ['an unknown target', 'DynamoDB_20120810.Scan', '{}', 400, 'UnknownOperationException'],
  ])('answers %s with a 400 in the JSON protocol shape', async (_what, target, body, status, type) => {
    // Act
    const answer = await aws(target, body, target.startsWith('AWSStepFunctions') ? JSON_1_0 : JSON_1_1);

    // Assess
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.text)).toMatchObject({ __type: type, message: expect.any(String) });
  });

  it.each([
    ['another SNS action', 'Action=DeleteTopic&TopicArn=x', 'InvalidAction'],
    ['no action at all', '', 'InvalidAction'],
    ['a Publish with no phone number', 'Action=Publish&TopicArn=x&Message=hi', 'InvalidParameter'],
  ])('answers %s with the query protocol error %s', async (_what, body, code) => {
    // Act
    const answer = await aws(undefined, body, 'application/x-www-form-urlencoded');

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.text).toContain(`<Code>${code}</Code>`);
  });

  it('gives the SDK errors it names as the real services would', async () => {
    // Prepare
    const endpoint = engine.runtime.awsUrl;
    const secrets = new SecretsManagerClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS });
    const sns = new SNSClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS });

    // Act
    const missing = await secrets
      .send(new GetSecretValueCommand({ SecretId: 'no-such-secret' }))
      .catch((e) => e);
    const topic = await sns
      .send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: 'hi' }))
      .catch((e) => e);

    // Assess
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(topic.name).toBe('InvalidParameterException');
  });

  it('refuses a 540 MB body with 413 as soon as it passes the limit', async () => {
    // Act
    const answer = await upload(
      engine.runtime.awsUrl,
      {
        'x-amz-target': 'secretsmanager.GetSecretValue',
        'content-type': JSON_1_1,
        'transfer-encoding': 'chunked',
      },
      HUGE,
    );

    // Assess
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).__type).toBe('RequestEntityTooLarge');
    expect(answer.sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('still serves the engine after all of the above: a lead gets its first email', async () => {
    // Act
    const { leadId } = await enroll(engine.url, { email: 'still.up@example.com', name: 'Still Up' });
    await engine.settle();

    // Assess
    expect(leadId).toEqual(expect.any(String));
    expect(
      (await mailboxOf(engine.url)).filter((e) => e.destination.to.includes('still.up@example.com')),
    ).toHaveLength(1);
  });
});

describe('the local HTTP server', () => {
  it('answers an unsubscribe link with a bad %-escape with 400, not 500', async () => {
    // Act
    const response = await fetch(`${engine.url}/u/%zz`);

    // Assess
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain('this link is damaged');
  });

  it.each([
    ['streamed (chunked)', { 'transfer-encoding': 'chunked' }],
    ['declared by Content-Length', { 'content-length': HUGE }],
  ])('refuses a 540 MB signup %s with 413 without reading it to its end', async (_how, framing) => {
    // Act
    const answer = await upload(
      `${engine.url}/leads`,
      { 'content-type': 'application/json', accept: 'application/json', ...framing },
      HUGE,
    );

    // Assess
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).message).toMatch(/^The body is too large: keep it under \d+ KB\.$/);
    expect(answer.sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('keeps answering after a refused upload', async () => {
    // Act
    const response = await fetch(`${engine.url}/health`);

    // Assess
    expect(response.status).toBe(200);
  });
});
