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

/**
 * SES stored the message with the S3 encryption client because the receipt rule's S3 action names a KMS key: the
 * body is AES-GCM ciphertext that only that client can open. A configuration error, not a transient one.
 */
export class StoredMailEncrypted extends Error {
  override readonly name = 'StoredMailEncrypted';
  constructor(readonly key: string) {
    super(
      `the mail at ${key} is stored client-side encrypted: remove kmsKey from the receipt rule's S3 action (S3 still encrypts every object at rest)`,
    );
  }
}

/*
 * The S3 encryption client keeps its envelope in user metadata (x-amz-meta-…, which the SDK hands back without the
 * prefix): the wrapped data key as x-amz-key (v1), x-amz-key-v2 (v2, as SES writes it) or x-amz-3 (v3).
 */
const ENVELOPE_KEYS = ['x-amz-key', 'x-amz-key-v2', 'x-amz-3'] as const;

/** Received mail as the SES receipt rule's S3 action stored it. */
export class S3RawMailStore implements RawMailStore {
  constructor(private readonly options: S3RawMailStoreOptions) {}

  /** The object the receipt rule's S3 action stored the message as. */
  keyOf(messageId: string): string {
    return `${this.options.prefix ?? ''}${messageId}`;
  }

  async get(messageId: string): Promise<Uint8Array | undefined> {
    const key = this.keyOf(messageId);
    try {
      const result = await this.options.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: key }),
      );
      const metadata = result.Metadata ?? {};
      if (ENVELOPE_KEYS.some((name) => name in metadata)) {
        // An unread body holds its socket: free it, or a run of such messages starves the client.
        const body = result.Body as { destroy?: () => void } | undefined;
        body?.destroy?.();
        throw new StoredMailEncrypted(key);
      }
      return result.Body ? await result.Body.transformToByteArray() : undefined;
    } catch (error) {
      if (error instanceof StoredMailEncrypted) throw error;
      if (errorName(error) === 'NoSuchKey') return undefined;
      return rethrow(error, 'S3');
    }
  }
}
