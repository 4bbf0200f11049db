import type { RawMailStore } from '../functions/domain/ports.ts';

/** The S3 bucket of the SES receipt rule, on one machine: raw MIME by message id. */
export class MemoryRawMailStore implements RawMailStore {
  private readonly mails = new Map<string, Uint8Array>();
  /** `authorize` runs before each read, as the bucket's IAM would (it throws to deny). */
  constructor(
    private readonly authorize?: (messageId: string) => Promise<void>,
    private readonly prefix = '',
  ) {}
  put(messageId: string, raw: string): void {
    this.mails.set(messageId, Buffer.from(raw, 'utf8'));
  }
  keyOf(messageId: string): string {
    return `${this.prefix}${messageId}`;
  }
  async get(messageId: string): Promise<Uint8Array | undefined> {
    await this.authorize?.(messageId);
    return this.mails.get(messageId);
  }
}
