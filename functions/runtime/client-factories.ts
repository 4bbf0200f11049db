import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
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

export const documents = (config: ClientConfig): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });

// One attempt per send: the SDK would retry timeouts and 5xx, which may have sent already (see rethrowSend).
export const ses = (config: ClientConfig): SESv2Client => new SESv2Client({ ...config, maxAttempts: 1 });

export const sns = (config: ClientConfig): SNSClient => new SNSClient({ ...config, maxAttempts: 1 });

export const sfn = (config: ClientConfig): SFNClient => new SFNClient(config);

export const secrets = (config: ClientConfig): SecretsManagerClient => new SecretsManagerClient(config);

export const s3 = (config: ClientConfig): S3Client => new S3Client(config);

export const lambda = (config: ClientConfig): LambdaClient => new LambdaClient(config);
