import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll } from 'vitest';
import { createFollowupTable } from '../../local/table.ts';

/*
 * A dynalite server for one test file, started before its tests and closed after them, and a fresh Followup table
 * on it per call: conditional writes and key conditions checked by a real DynamoDB protocol, no network beyond
 * loopback.
 */

export interface DynaliteTables {
  /** A new, empty table named `<prefix>-<n>`, with the document client that reaches it. */
  table(prefix: string): Promise<{ readonly client: DynamoDBDocumentClient; readonly tableName: string }>;
  /** The document client, as Lambda builds it (functions/runtime/clients.ts); once the file's tests have started. */
  client(): DynamoDBDocumentClient;
  /** A client of the test's own on the same server (e.g. to count its requests with middleware). */
  ownClient(): DynamoDBClient;
}

export function dynaliteTables(): DynaliteTables {
  let server: Server;
  let raw: DynamoDBClient;
  let client: DynamoDBDocumentClient;
  let made = 0;
  const connect = () =>
    new DynamoDBClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  beforeAll(async () => {
    server = dynalite({ createTableMs: 0 });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    raw = connect();
    client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  });
  afterAll(async () => {
    raw.destroy();
    await new Promise<void>((done) => server.close(() => done()));
  });
  return {
    async table(prefix) {
      const tableName = `${prefix}-${++made}`;
      await createFollowupTable(raw, tableName);
      return { client, tableName };
    },
    client: () => client,
    ownClient: connect,
  };
}
