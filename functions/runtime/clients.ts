import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ClientConfig, documents, lambda, s3, secrets, ses, sfn, sns } from './client-factories.ts';
import { withFastConfig } from './clients-fast-config.ts';

/*
 * The one place SDK clients are kept. Each call gives fresh clients, so engines in one process share nothing; each
 * client is made on first use, so a function pays only for those it calls. Region and credentials come from the
 * SDK's usual chain (AWS_REGION on Lambda) unless given; the local runtime gives its emulators' endpoints. A Lambda
 * entry file names the factories of the clients it uses, so its bundle holds no other (docs/architecture.md §9).
 */

export interface AwsClients {
  readonly documents: DynamoDBDocumentClient;
  readonly ses: SESv2Client;
  readonly sns: SNSClient;
  readonly sfn: SFNClient;
  readonly secrets: SecretsManagerClient;
  readonly s3: S3Client;
  readonly lambda: LambdaClient;
}

export type AwsService = keyof AwsClients;

/** The factories (./client-factories.ts) of the clients a function uses. */
export type ClientFactories = {
  readonly [S in AwsService]?: (config: ClientConfig) => AwsClients[S];
};

export interface AwsClientOptions {
  readonly region?: string;
  readonly credentials?: ClientConfig['credentials'];
  readonly endpoints?: Partial<Record<AwsService, string>>;
}

/** Each client made on first use from its factory, configured from the options. */
class Clients implements AwsClients {
  readonly #made: { -readonly [S in AwsService]?: AwsClients[S] } = {};

  constructor(
    private readonly factories: ClientFactories,
    private readonly options: AwsClientOptions,
  ) {}

  private config(service: AwsService): ClientConfig {
    const { region, credentials, endpoints } = this.options;
    return {
      ...(region ? { region } : {}),
      ...(credentials ? { credentials } : {}),
      ...(endpoints?.[service] ? { endpoint: endpoints[service] } : {}),
    };
  }

  private client<S extends AwsService>(service: S): AwsClients[S] {
    const made = this.#made[service];
    if (made) return made;
    const make = this.factories[service];
    // A cold-start failure, so a missing factory shows on the first invocation (and in bench/functions.ts).
    if (!make) throw new Error(`no ${service} client here: give its factory from client-factories.ts`);
    // Fast property storage for the config every request spreads (./clients-fast-config.ts says why).
    const client = withFastConfig(make(this.config(service)));
    this.#made[service] = client;
    return client;
  }

  get documents(): DynamoDBDocumentClient {
    return this.client('documents');
  }

  get ses(): SESv2Client {
    return this.client('ses');
  }

  get sns(): SNSClient {
    return this.client('sns');
  }

  get sfn(): SFNClient {
    return this.client('sfn');
  }

  get secrets(): SecretsManagerClient {
    return this.client('secrets');
  }

  get s3(): S3Client {
    return this.client('s3');
  }

  get lambda(): LambdaClient {
    return this.client('lambda');
  }
}

const EVERY_CLIENT: Required<ClientFactories> = { documents, ses, sns, sfn, secrets, s3, lambda };

/** Fresh clients, every one available: engines in one process (simulate, tests) each get their own. */
export const createAwsClients = (options: AwsClientOptions = {}): AwsClients =>
  new Clients(EVERY_CLIENT, options);

/**
 * A Lambda function's clients: only those its entry file gives (the bundle holds no other), the runtime's region
 * and role. Lambda's active tracing records the invocation, and the SDK passes its trace header on to each service
 * called (docs/architecture.md §9: why no X-Ray SDK).
 */
export const lambdaClients = (factories: ClientFactories): AwsClients => new Clients(factories, {});
