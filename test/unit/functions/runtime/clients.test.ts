import { SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { documents, sfn } from '../../../../functions/runtime/client-factories.ts';
import { createAwsClients, lambdaClients } from '../../../../functions/runtime/clients.ts';

/* The clients a function is given: every one for the local runtime, only its own on Lambda (docs/architecture.md §9). */

describe('createAwsClients', () => {
  it('makes each client once, on first use, with the endpoint given for it', async () => {
    // Act
    const clients = createAwsClients({ region: 'eu-west-1', endpoints: { sfn: 'http://127.0.0.1:9' } });

    // Assess
    expect(clients.sfn).toBe(clients.sfn);
    expect(clients.ses).not.toBe(clients.sns);
    expect(await clients.sfn.config.region()).toBe('eu-west-1');
    expect((await clients.sfn.config.endpoint?.())?.hostname).toBe('127.0.0.1');
    expect(await clients.ses.config.maxAttempts()).toBe(1);
    expect(await clients.sns.config.maxAttempts()).toBe(1);
    expect(clients.documents.config.translateConfig?.marshallOptions?.removeUndefinedValues).toBe(true);
  });
});

describe('lambdaClients', () => {
  it('gives the clients whose factories the entry file names', () => {
    // Act
    const clients = lambdaClients({ documents, sfn });

    // Assess
    expect(clients.sfn).toBeInstanceOf(SFNClient);
    expect(clients.documents.send).toBeTypeOf('function');
  });

  it('fails at cold start, saying what to add, for a client the entry file did not name', () => {
    // Act
    const clients = lambdaClients({ documents });

    // Assess
    expect(() => clients.s3).toThrow('no s3 client here: give its factory from client-factories.ts');
  });
});
