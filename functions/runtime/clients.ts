import type { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTracer, traced } from './tracer.ts';

/*
 * The one place SDK clients are made. Each call gives fresh clients, so engines in one process share nothing; each
 * client is made on first use, so a function pays only for those it calls. Region and credentials come from the
 * SDK's usual chain (AWS_REGION on Lambda) unless given; the local runtime gives its emulators' endpoints.
 */

export interface AwsClients {
  readonly documents: DynamoDBDocumentClient;
  readonly ses: SESv2Client;
  readonly sns: SNSClient;
  readonly sfn: SFNClient;
  readonly secrets: SecretsManagerClient;
  readonly s3: S3Client;
}

export type AwsService = keyof AwsClients;

export interface AwsClientOptions {
  readonly region?: string;
  readonly credentials?: DynamoDBClientConfig['credentials'];
  readonly endpoints?: Partial<Record<AwsService, string>>;
  /** X-Ray subsegments for every call (Lambda). */
  readonly tracer?: Tracer;
}

/** Each client made on first use, configured from the options. */
class Clients implements AwsClients {
  #documents?: DynamoDBDocumentClient;
  #ses?: SESv2Client;
  #sns?: SNSClient;
  #sfn?: SFNClient;
  #secrets?: SecretsManagerClient;
  #s3?: S3Client;

  constructor(private readonly options: AwsClientOptions) {}

  private config(service: AwsService) {
    const { region, credentials, endpoints } = this.options;
    return {
      ...(region ? { region } : {}),
      ...(credentials ? { credentials } : {}),
      ...(endpoints?.[service] ? { endpoint: endpoints[service] } : {}),
    };
  }

  private trace<T>(client: T): T {
    return this.options.tracer ? traced(client, this.options.tracer) : client;
  }

  get documents(): DynamoDBDocumentClient {
    this.#documents ??= DynamoDBDocumentClient.from(
      this.trace(new DynamoDBClient(this.config('documents'))),
      {
        marshallOptions: { removeUndefinedValues: true },
      },
    );
    return this.#documents;
  }

  // One attempt per send: the SDK would retry timeouts and 5xx, which may have sent already (see rethrowSend).
  get ses(): SESv2Client {
    this.#ses ??= this.trace(new SESv2Client({ ...this.config('ses'), maxAttempts: 1 }));
    return this.#ses;
  }

  get sns(): SNSClient {
    this.#sns ??= this.trace(new SNSClient({ ...this.config('sns'), maxAttempts: 1 }));
    return this.#sns;
  }

  get sfn(): SFNClient {
    this.#sfn ??= this.trace(new SFNClient(this.config('sfn')));
    return this.#sfn;
  }

  get secrets(): SecretsManagerClient {
    this.#secrets ??= this.trace(new SecretsManagerClient(this.config('secrets')));
    return this.#secrets;
  }

  get s3(): S3Client {
    this.#s3 ??= this.trace(new S3Client(this.config('s3')));
    return this.#s3;
  }
}

/** Fresh clients: engines in one process (simulate, tests) each get their own. */
export const createAwsClients = (options: AwsClientOptions = {}): AwsClients => new Clients(options);

/** A Lambda function's clients: the runtime's region and role, every call traced under the function's service. */
export const lambdaClients = (serviceName: string): AwsClients =>
  createAwsClients({ tracer: createTracer(serviceName) });
