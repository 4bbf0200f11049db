import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RawMailStore } from '../domain/ports.ts';
import { errorName, rethrow } from './aws-errors.ts';

export interface S3RawMailStoreOptions {
  readonly client: S3Client;
  /** The bucket of the SES receipt rule's S3 action. */
  readonly bucket: string;
  /** The action's object key prefix; the object key is `<prefix><messageId>`. */
  readonly prefix?: string;
}

/** Received mail as the SES receipt rule's S3 action stored it. */
export class S3RawMailStore implements RawMailStore {
  constructor(private readonly options: S3RawMailStoreOptions) {}

  async get(messageId: string): Promise<Uint8Array | undefined> {
    try {
      const result = await this.options.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: `${this.options.prefix ?? ''}${messageId}`,
        }),
      );
      return result.Body ? await result.Body.transformToByteArray() : undefined;
    } catch (error) {
      if (errorName(error) === 'NoSuchKey') return undefined;
      return rethrow(error, 'S3');
    }
  }
}
