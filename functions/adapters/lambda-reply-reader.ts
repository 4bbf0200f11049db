import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { InboundEmailResult } from '../domain/inbound-email.ts';
import type { InboundSms, InboundSmsResult, SmsReplyReader } from '../domain/inbound-sms.ts';
import type { ParsedReply, ReplyReader } from '../domain/parsed-reply.ts';
import { rethrow } from './aws-errors.ts';

export interface LambdaReplyReaderOptions {
  readonly client: LambdaClient;
  /** The reader function's name or ARN (ReadReply). */
  readonly functionName: string;
}

/** The reader failed on this reply: its error, by name, so the caller's own retry sends the reply again. */
export class ReplyReadFailed extends Error {
  override readonly name = 'ReplyReadFailed';
}

/**
 * The reply reader on Lambda, invoked synchronously (RequestResponse: a payload of up to 6 MB, and the reader's
 * error comes back in the answer) by the mail parser with a parsed mail, by SmsInbound with a text. Invoke succeeds
 * even when the function failed, with FunctionError set and the error as the payload, so that is checked first.
 */
export class LambdaReplyReader implements ReplyReader, SmsReplyReader {
  constructor(private readonly options: LambdaReplyReaderOptions) {}

  async read(reply: ParsedReply): Promise<InboundEmailResult> {
    const result = await this.invoke(reply, reply.messageId);
    if (typeof (result as Partial<InboundEmailResult>).kind !== 'string') {
      throw new ReplyReadFailed(`the reply reader answered ${reply.messageId} with no result`);
    }
    return result as InboundEmailResult;
  }

  async readSms(message: InboundSms): Promise<InboundSmsResult> {
    const result = await this.invoke({ kind: 'sms', ...message }, message.id);
    if (typeof (result as Partial<InboundSmsResult>).intent !== 'string') {
      throw new ReplyReadFailed(`the reply reader answered ${message.id} with no result`);
    }
    return result as InboundSmsResult;
  }

  private async invoke(payload: unknown, what: string): Promise<object> {
    let answer: { FunctionError?: string; Payload?: Uint8Array } | undefined;
    try {
      answer = await this.options.client.send(
        new InvokeCommand({
          FunctionName: this.options.functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
    } catch (error) {
      return rethrow(error, 'Lambda');
    }
    const text = new TextDecoder().decode(answer.Payload ?? new Uint8Array());
    if (answer.FunctionError) {
      const error = parsed(text) as { errorType?: string; errorMessage?: string } | undefined;
      throw new ReplyReadFailed(
        `the reply reader failed on ${what}: ${error?.errorType ?? answer.FunctionError}: ${error?.errorMessage ?? text.slice(0, 500)}`,
      );
    }
    const result = parsed(text);
    if (typeof result !== 'object' || result === null) {
      throw new ReplyReadFailed(`the reply reader answered ${what} with no result`);
    }
    return result;
  }
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
