import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleSfnRequest } from './sfn-api.ts';
import type { LocalStepFunctions } from './step-functions.ts';

/** A text the engine sent; there is no SNS emulator, so the local runtime keeps an outbox. */
export interface SmsMessage {
  readonly messageId: string;
  readonly to: string;
  readonly body: string;
  readonly at: string;
}

export interface AwsShimOptions {
  readonly sfn: LocalStepFunctions;
  /** Secrets by id (the UNSUBSCRIBE_SECRET_ARN the touch function reads). */
  readonly secrets: ReadonlyMap<string, string>;
  readonly onSms: (sms: SmsMessage) => void;
  readonly now: () => Date;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * One loopback endpoint for the AWS APIs that have no emulator, so handlers run the real SDK clients unchanged:
 * Step Functions (JSON 1.0), Secrets Manager GetSecretValue (JSON 1.1) and SNS Publish (query protocol) to the outbox.
 */
export async function startAwsShim(options: AwsShimOptions): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const target = req.headers['x-amz-target'] as string | undefined;
    const reply = (status: number, contentType: string, text: string) => {
      res.writeHead(status, { 'content-type': contentType });
      res.end(text);
    };
    if (target?.startsWith('AWSStepFunctions.')) {
      const result = await handleSfnRequest(options.sfn, target, body);
      return reply(result.status, 'application/x-amz-json-1.0', result.body);
    }
    if (target === 'secretsmanager.GetSecretValue') {
      const { SecretId } = JSON.parse(body || '{}') as { SecretId?: string };
      const secret = SecretId ? options.secrets.get(SecretId) : undefined;
      if (secret === undefined) {
        return reply(
          400,
          'application/x-amz-json-1.1',
          JSON.stringify({ __type: 'ResourceNotFoundException', message: `no secret ${SecretId}` }),
        );
      }
      return reply(
        200,
        'application/x-amz-json-1.1',
        JSON.stringify({ ARN: SecretId, Name: SecretId, SecretString: secret }),
      );
    }
    const form = new URLSearchParams(body);
    if (form.get('Action') === 'Publish' && form.get('PhoneNumber')) {
      const messageId = randomUUID();
      options.onSms({
        messageId,
        to: form.get('PhoneNumber') ?? '',
        body: form.get('Message') ?? '',
        at: options.now().toISOString(),
      });
      return reply(
        200,
        'text/xml',
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    }
    reply(
      400,
      'application/json',
      JSON.stringify({
        __type: 'UnknownOperationException',
        message: `not emulated: ${target ?? form.get('Action') ?? req.url}`,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
