import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/*
 * What an SES receipt rule's S3 action leaves in the bucket. With a KMS key SES encrypts the message itself, with
 * the S3 encryption client (v2 format): a fresh AES-256 data key encrypts the body with AES/GCM/NoPadding
 * (ciphertext, then the 16-byte tag), KMS wraps the data key, and the envelope rides in the object's user metadata
 * with the encryption context as the material description. Without a key the object is the MIME as received.
 * KMS is stood in for by AES-GCM under a key derived from the key ARN: opaque to the reader, as on AWS.
 */

export interface S3ActionModel {
  readonly kmsKeyArn?: string;
  readonly ruleName: string;
  readonly account: string;
}

/** The parts of a GetObject answer the raw-mail store reads; `destroyed` tells whether it freed the body. */
export interface StoredObject {
  readonly Body: { transformToByteArray: () => Promise<Uint8Array>; destroy: () => void };
  readonly Metadata: Record<string, string>;
  readonly ContentLength: number;
  readonly destroyed: () => boolean;
}

const TAG_BYTES = 16;

const standInKms = (keyArn: string) => createHash('sha256').update(`stand-in KMS key ${keyArn}`).digest();

function gcm(key: Buffer, plain: Buffer, iv = randomBytes(12)) {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  return { iv, sealed: Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]) };
}

function object(body: Buffer, metadata: Record<string, string>): StoredObject {
  let destroyed = false;
  return {
    Body: {
      transformToByteArray: async () => new Uint8Array(body),
      destroy: () => {
        destroyed = true;
      },
    },
    Metadata: metadata,
    ContentLength: body.length,
    destroyed: () => destroyed,
  };
}

/** The object SES stores for `messageId` under `action`: encrypted client-side when the action names a key. */
export function storedBySes(action: S3ActionModel, messageId: string, mime: string): StoredObject {
  const plain = Buffer.from(mime, 'utf8');
  if (!action.kmsKeyArn) return object(plain, {});
  const dataKey = randomBytes(32);
  const { iv, sealed } = gcm(dataKey, plain);
  const wrapped = gcm(standInKms(action.kmsKeyArn), dataKey);
  const context = {
    'aws:ses:message-id': messageId,
    'aws:ses:rule-name': action.ruleName,
    'aws:ses:source-account': action.account,
  };
  // The SDK answers user metadata without its x-amz-meta- prefix.
  return object(sealed, {
    'x-amz-key-v2': Buffer.concat([wrapped.iv, wrapped.sealed]).toString('base64'),
    'x-amz-iv': iv.toString('base64'),
    'x-amz-cek-alg': 'AES/GCM/NoPadding',
    'x-amz-wrap-alg': 'kms',
    'x-amz-tag-len': String(TAG_BYTES * 8),
    'x-amz-matdesc': JSON.stringify(context),
    'x-amz-unencrypted-content-length': String(plain.length),
  });
}

/** What the S3 encryption client would do with the object: proves the envelope is a real one. */
export async function openEnvelope(action: S3ActionModel, stored: StoredObject): Promise<string> {
  if (!action.kmsKeyArn) throw new Error('the action names no KMS key: the object is not encrypted');
  const open = (key: Buffer, iv: Buffer, sealed: Buffer) => {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  };
  const wrapped = Buffer.from(stored.Metadata['x-amz-key-v2'] ?? '', 'base64');
  const dataKey = open(standInKms(action.kmsKeyArn), wrapped.subarray(0, 12), wrapped.subarray(12));
  const iv = Buffer.from(stored.Metadata['x-amz-iv'] ?? '', 'base64');
  return open(dataKey, iv, Buffer.from(await stored.Body.transformToByteArray())).toString('utf8');
}
