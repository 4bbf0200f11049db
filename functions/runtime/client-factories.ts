import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/*
 * One factory per SDK client, each its own export so a bundle holds only the clients its entry file names
 * (docs/architecture.md §9: the bundle budget). The container that makes them on first use is ./clients.ts.
 */

export interface ClientConfig {
  readonly region?: string;
  readonly credentials?: DynamoDBClientConfig['credentials'];
  readonly endpoint?: string;
}

/** What the SDK's own wrapping does to a client before the document client wraps it: tracing, on Lambda. */
export type Wrap = <T extends object>(client: T) => T;

export const documents = (config: ClientConfig, wrap: Wrap): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(wrap(new DynamoDBClient(config)), {
    marshallOptions: { removeUndefinedValues: true },
  });

// One attempt per send: the SDK would retry timeouts and 5xx, which may have sent already (see rethrowSend).
export const ses = (config: ClientConfig, wrap: Wrap): SESv2Client =>
  wrap(new SESv2Client({ ...config, maxAttempts: 1 }));

export const sns = (config: ClientConfig, wrap: Wrap): SNSClient =>
  wrap(new SNSClient({ ...config, maxAttempts: 1 }));

export const sfn = (config: ClientConfig, wrap: Wrap): SFNClient => wrap(new SFNClient(config));

export const secrets = (config: ClientConfig, wrap: Wrap): SecretsManagerClient =>
  wrap(new SecretsManagerClient(config));

export const s3 = (config: ClientConfig, wrap: Wrap): S3Client => wrap(new S3Client(config));
