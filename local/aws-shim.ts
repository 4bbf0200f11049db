import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyTooLarge, closeAfterAnswer, readBody } from './http-body.ts';
import {
  bodyOf,
  type InProcessHandler,
  inProcessHandler,
  lowerCased,
  type SdkRequest,
  type StandInAnswer,
} from './sdk-handler.ts';
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

/** Step Functions takes at most 256 KiB of execution input; nothing a handler sends here comes near this. */
export const MAX_AWS_BODY = 1024 * 1024;

interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const JSON_1_0 = 'application/x-amz-json-1.0';
const JSON_1_1 = 'application/x-amz-json-1.1';

/** An error as the AWS JSON protocols carry it: `__type` and `message`, which the SDK turns into the error's name. */
const jsonError = (contentType: string, status: number, type: string, message: string): Reply => ({
  status,
  contentType,
  body: JSON.stringify({ __type: type, message }),
});

const xmlText = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[^\t\n\r\x20-\uFFFD]/gu, '');

/** An error as the query protocol (SNS) carries it. */
const queryError = (status: number, code: string, message: string): Reply => ({
  status,
  contentType: 'text/xml',
  body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlText(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
});

type Protocol = 'sfn' | 'secrets' | 'query' | 'unknown';

function protocolOf(target: string | undefined): Protocol {
  if (target === undefined) return 'query';
  if (target.startsWith('AWSStepFunctions.')) return 'sfn';
  if (target.startsWith('secretsmanager.')) return 'secrets';
  return 'unknown';
}

/** The answer in the shape of the service the request was for, so the SDK reports it as that service would. */
function errorFor(protocol: Protocol, status: number, code: string, message: string): Reply {
  switch (protocol) {
    case 'sfn':
      return jsonError(JSON_1_0, status, `com.amazonaws.states#${code}`, message);
    case 'secrets':
    case 'unknown':
      return jsonError(JSON_1_1, status, code, message);
    case 'query':
      return queryError(status, code, message);
    default:
      throw new Error(`unknown protocol ${JSON.stringify(protocol satisfies never)}`);
  }
}

function getSecretValue(body: string, secrets: ReadonlyMap<string, string>): Reply {
  let request: unknown;
  try {
    request = JSON.parse(body || '{}');
  } catch (error) {
    return jsonError(JSON_1_1, 400, 'SerializationException', (error as Error).message);
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return jsonError(
      JSON_1_1,
      400,
      'SerializationException',
      'the body must be a JSON object of the request fields',
    );
  }
  const secretId = (request as { SecretId?: unknown }).SecretId;
  if (typeof secretId !== 'string' || secretId === '') {
    return jsonError(
      JSON_1_1,
      400,
      'InvalidParameterException',
      'SecretId is required: the ARN or name of the secret',
    );
  }
  const secret = secrets.get(secretId);
  if (secret === undefined) {
    return jsonError(
      JSON_1_1,
      400,
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret ${secretId}`,
    );
  }
  return {
    status: 200,
    contentType: JSON_1_1,
    body: JSON.stringify({ ARN: secretId, Name: secretId, SecretString: secret }),
  };
}

function publish(body: string, options: AwsShimOptions): Reply {
  const form = new URLSearchParams(body);
  const action = form.get('Action');
  if (action !== 'Publish') {
    return queryError(
      400,
      'InvalidAction',
      `the local runtime emulates only SNS Publish, not ${action ?? 'a request with no Action'}`,
    );
  }
  const to = form.get('PhoneNumber');
  if (!to) {
    return queryError(
      400,
      'InvalidParameter',
      'PhoneNumber is required: the local runtime sends texts to phone numbers only',
    );
  }
  const messageId = randomUUID();
  options.onSms({ messageId, to, body: form.get('Message') ?? '', at: options.now().toISOString() });
  return {
    status: 200,
    contentType: 'text/xml',
    body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
  };
}

async function answer(target: string | undefined, body: string, options: AwsShimOptions): Promise<Reply> {
  const protocol = protocolOf(target);
  switch (protocol) {
    case 'sfn': {
      const result = await handleSfnRequest(options.sfn, target, body);
      return { status: result.status, contentType: JSON_1_0, body: result.body };
    }
    case 'secrets':
      return target === 'secretsmanager.GetSecretValue'
        ? getSecretValue(body, options.secrets)
        : jsonError(
            JSON_1_1,
            400,
            'UnknownOperationException',
            `the local runtime does not emulate ${target}`,
          );
    case 'query':
      return publish(body, options);
    case 'unknown':
      return jsonError(
        JSON_1_1,
        400,
        'UnknownOperationException',
        `the local runtime does not emulate ${target}`,
      );
    default:
      throw new Error(`unknown protocol ${JSON.stringify(protocol satisfies never)}`);
  }
}

/**
 * One loopback endpoint for the AWS APIs that have no emulator, so handlers run the real SDK clients unchanged:
 * Step Functions (JSON 1.0), Secrets Manager GetSecretValue (JSON 1.1) and SNS Publish (query protocol) to the outbox.
 * A bad request gets a 400 in its service's error shape; nothing a client sends can stop the runtime.
 */
export async function startAwsShim(
  options: AwsShimOptions,
): Promise<{ server: Server; url: string; requestHandler: InProcessHandler }> {
  const failed = (protocol: Protocol, what: string, error: unknown): Reply => {
    process.stderr.write(
      `followup: the local AWS stand-in failed on ${what}: ${(error as Error)?.message}\n`,
    );
    return errorFor(protocol, 500, 'InternalFailure', 'the local AWS stand-in failed; see the runtime log');
  };
  const server = createServer((req, res) => {
    const target = req.headers['x-amz-target'];
    const targetText = typeof target === 'string' ? target : undefined;
    const protocol = protocolOf(targetText);
    const write = (reply: Reply) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(reply.status, { 'content-type': reply.contentType });
      res.end(reply.body);
    };
    readBody(req, MAX_AWS_BODY)
      .then((body) => answer(targetText, body, options))
      .then(write, (error: unknown) => {
        if (error instanceof BodyTooLarge) {
          closeAfterAnswer(res);
          return write(errorFor(protocol, 413, 'RequestEntityTooLarge', error.message));
        }
        write(failed(protocol, targetText ?? req.url ?? 'a request', error));
      });
  });
  // The runtime's own clients: the same answers, without the loopback socket (sdk-handler.ts). Each is answered in
  // the shim's own async context, as a request arriving on its socket would be: an execution a StartExecution
  // launches must not run as the function that called it (the IAM check and the clock read that context).
  const outside = new AsyncResource('followup-aws-shim');
  const requestHandler = inProcessHandler((request) => outside.runInAsyncScope(() => answerDirect(request)));
  const answerDirect = async (request: SdkRequest): Promise<StandInAnswer> => {
    const target = lowerCased(request.headers)['x-amz-target'];
    const protocol = protocolOf(target);
    const body = bodyOf(request.body);
    const reply =
      Buffer.byteLength(body) > MAX_AWS_BODY
        ? errorFor(protocol, 413, 'RequestEntityTooLarge', new BodyTooLarge(MAX_AWS_BODY).message)
        : await answer(target, body, options).catch((error: unknown) =>
            failed(protocol, target ?? request.path, error),
          );
    return { statusCode: reply.status, headers: { 'content-type': reply.contentType }, body: reply.body };
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requestHandler };
}
