import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Secrets } from '../domain/ports.ts';
import { rethrow } from './aws-errors.ts';

/** Secrets on Secrets Manager: the secret's string value. */
export class SecretsManagerSecrets implements Secrets {
  constructor(private readonly client: SecretsManagerClient) {}

  async get(secretId: string): Promise<string> {
    let value: string | undefined;
    try {
      value = (await this.client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
    } catch (error) {
      return rethrow(error, 'Secrets Manager');
    }
    if (!value) throw new Error(`the secret ${secretId} has no string value`);
    return value;
  }
}
