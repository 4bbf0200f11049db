import { AsyncLocalStorage } from 'node:async_hooks';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmsMessage, startAwsShim } from '../../../local/aws-shim.ts';
import { handOver } from '../../../local/sdk-handler.ts';
import type { LocalStepFunctions } from '../../../local/step-functions.ts';

const SECRET = 'arn:aws:secretsmanager:local:000000000000:secret:followup/unsubscribe-key-AbCdEf';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

describe('the AWS shim answers the runtime’s own clients in-process as it answers on its socket', () => {
  const texts: { sms: SmsMessage; caller: string | undefined }[] = [];
  const caller = new AsyncLocalStorage<string>();
  let shim: Awaited<ReturnType<typeof startAwsShim>>;

  beforeAll(async () => {
    shim = await startAwsShim({
      sfn: {} as LocalStepFunctions,
      secrets: new Map([[SECRET, 'key-material']]),
      onSms: (sms) => texts.push({ sms, caller: caller.getStore() }),
      now: () => new Date('2026-12-01T12:00:00Z'),
    });
  });
  afterAll(() => new Promise<void>((resolve) => shim.server.close(() => resolve())));

  /** The same client twice: over the loopback socket, and handed over to the shim's handler. */
  function both<T extends { config: object }>(make: (endpoint: string) => T): [T, T] {
    const inProcess = make(shim.url);
    handOver(inProcess, shim.requestHandler);
    return [make(shim.url), inProcess];
  }

  it('gives the same secret, and the same error for a missing one, on either path', async () => {
    const clients = both(
      (endpoint) => new SecretsManagerClient({ region: 'us-east-1', endpoint, credentials }),
    );
    for (const client of clients) {
      const secret = await client.send(new GetSecretValueCommand({ SecretId: SECRET }));
      expect(secret.SecretString).toBe('key-material');
      await expect(client.send(new GetSecretValueCommand({ SecretId: 'missing' }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
    }
  });

  it('puts a text in the outbox, answering outside the caller’s async context as a socket would', async () => {
    const [, inProcess] = both((endpoint) => new SNSClient({ region: 'us-east-1', endpoint, credentials }));
    const sent = await caller.run('Touch', () =>
      inProcess.send(new PublishCommand({ PhoneNumber: '+13125550142', Message: 'Hi Jordan' })),
    );
    expect(sent.MessageId).toBe(texts.at(-1)?.sms.messageId);
    expect(texts.at(-1)).toMatchObject({ sms: { to: '+13125550142', body: 'Hi Jordan' }, caller: undefined });
  });

  it('refuses a body over the limit with 413, as on the socket, and answers a request it does not know', async () => {
    const [, inProcess] = both((endpoint) => new SNSClient({ region: 'us-east-1', endpoint, credentials }));
    await expect(
      inProcess.send(
        new PublishCommand({ PhoneNumber: '+13125550142', Message: 'x'.repeat(1024 * 1024 + 1) }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 413 } });
    const answer = await shim.requestHandler.handle({
      method: 'POST',
      path: '/',
      headers: { 'X-Amz-Target': 'secretsmanager.ListSecrets', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(answer.response.statusCode).toBe(400);
  });
});
