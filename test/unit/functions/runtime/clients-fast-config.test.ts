import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AwsCredentialIdentity } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../../functions/runtime/clients.ts';

/* A client's config kept as fast properties (functions/runtime/clients-fast-config.ts), and nothing else changed. */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A provider that counts its calls and answers credentials expiring at `expiresAt`. */
function countingProvider(expiresAt: () => Date) {
  const provider = Object.assign(
    async (): Promise<AwsCredentialIdentity> => {
      provider.calls++;
      return { accessKeyId: `key-${provider.calls}`, secretAccessKey: 'secret', expiration: expiresAt() };
    },
    { calls: 0 },
  );
  return provider;
}

describe('withFastConfig, through createAwsClients', () => {
  it('still asks the provider again once the credentials have expired', async () => {
    // Prepare: credentials already past their expiry, and credentials good for an hour
    const expired = countingProvider(() => new Date(Date.now() - 1_000));
    const lasting = countingProvider(() => new Date(Date.now() + 3_600_000));
    const stale = createAwsClients({ region: 'us-east-1', credentials: expired }).sfn;
    const fresh = createAwsClients({ region: 'us-east-1', credentials: lasting }).sfn;

    // Act
    const staleKeys = [await stale.config.credentials(), await stale.config.credentials()];
    const freshKeys = [await fresh.config.credentials(), await fresh.config.credentials()];

    // Assess
    // The SDK's memoized provider asks again for credentials it finds expired, on every use.
    expect(new Set(staleKeys.map((c) => c.accessKeyId)).size).toBe(2);
    expect(freshKeys.map((c) => c.accessKeyId)).toEqual(['key-1', 'key-1']);
    expect(lasting.calls).toBe(1);
  });

  it('keeps the SDK accessor: credentials set on the config later are the ones used', async () => {
    // Prepare
    const client = createAwsClients({
      region: 'us-east-1',
      credentials: { accessKeyId: 'first', secretAccessKey: 'secret' },
    }).documents;

    // Act
    Object.assign(client.config, { credentials: { accessKeyId: 'second', secretAccessKey: 'secret' } });

    // Assess
    expect((await client.config.credentials()).accessKeyId).toBe('second');
    expect(Object.getPrototypeOf(client.config)).toBe(Object.prototype);
  });

  it("leaves every client's config in V8's fast mode, where the SDK's own construction leaves it in dictionary mode", () => {
    // Prepare: V8 tells an object's storage only with --allow-natives-syntax, so in a process of its own
    const script = `
      import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
      import { createAwsClients } from './functions/runtime/clients.ts';
      const fast = new Function('o', 'return %HasFastProperties(o)');
      const clients = createAwsClients({ region: 'us-east-1' });
      const made = ['documents', 'ses', 'sns', 'sfn', 'secrets', 's3', 'lambda'].map((s) => fast(clients[s].config));
      console.log(JSON.stringify({ made, plain: fast(new DynamoDBClient({ region: 'us-east-1' }).config) }));
    `;

    // Act
    const run = spawnSync(
      process.execPath,
      ['--allow-natives-syntax', '--no-warnings', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: ROOT, encoding: 'utf8' },
    );

    // Assess
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      made: [true, true, true, true, true, true, true],
      plain: false,
    });
  });
});
