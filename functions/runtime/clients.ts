import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from './tracer.ts';

/*
 * The one place SDK clients are made: once per cold start, only those a function uses, each traced by X-Ray on
 * Lambda. Region, credentials and endpoints come from the environment (AWS_REGION on Lambda;
 * AWS_ENDPOINT_URL_<SERVICE> for the local runtime).
 */

const resets: (() => void)[] = [];
const once = <T>(make: () => T): (() => T) => {
  let made: T | undefined;
  resets.push(() => {
    made = undefined;
  });
  return () => {
    made ??= make();
    return made;
  };
};

/** Forgets the clients, so the next call reads the endpoints again (the local runtime restarts on new ports). */
export function resetClients(): void {
  for (const reset of resets) reset();
}

export const documentClient = once(() =>
  DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);
// One attempt per send: the SDK would retry timeouts and 5xx, which may have sent already (see rethrowSend).
export const sesClient = once(() => traced(new SESv2Client({ maxAttempts: 1 })));
export const snsClient = once(() => traced(new SNSClient({ maxAttempts: 1 })));
export const sfnClient = once(() => traced(new SFNClient({})));
export const secretsClient = once(() => traced(new SecretsManagerClient({})));
export const s3Client = once(() => traced(new S3Client({})));
