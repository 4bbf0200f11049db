import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { type AppRuntime, createAppServer } from '../../local/server.ts';
import { createFollowupTable } from '../../local/table.ts';

/*
 * The local dashboard and JSON API over a real (dynalite) table, with every handler but the reads answering 500: for
 * tests of what the pages and /api routes read. `seed` writes the table first.
 */

export interface DashboardServer {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  stop(): Promise<void>;
}

export interface DashboardOptions {
  readonly tableName: string;
  readonly now: string;
  readonly cadences: AppRuntime['cadences'];
  readonly defaultCadence: string;
  readonly seed: (table: { client: DynamoDBDocumentClient; tableName: string }) => Promise<void>;
}

const listen = (server: Server) =>
  new Promise<string>((done) =>
    server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
const close = (server: Server) => new Promise<void>((done) => server.close(() => done()));
const noAnswer = async () => ({ statusCode: 500 });

export async function startDashboard(options: DashboardOptions): Promise<DashboardServer> {
  const dynamo = dynalite({ createTableMs: 0 });
  const raw = new DynamoDBClient({
    endpoint: await listen(dynamo),
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const { tableName } = options;
  await createFollowupTable(raw, tableName);
  await options.seed({ client, tableName });
  const runtime: AppRuntime = {
    ddb: client,
    tableName,
    clock: { now: () => new Date(options.now) },
    mailboxUrl: 'http://127.0.0.1:8005',
    emails: [],
    outbox: [],
    cadences: options.cadences,
    config: { defaultCadence: options.defaultCadence, replyDomain: 'reply.example.com', sms: {} },
    intake: noAnswer,
    sfn: { list: () => [] },
    redrive: noAnswer,
    signals: {
      inboundEmail: noAnswer,
      sesEvents: noAnswer,
      unsubscribe: noAnswer,
      smsInbound: noAnswer,
      outcome: noAnswer,
      shopEvents: noAnswer,
      shopWebhook: noAnswer,
    },
    signingKey: 'test-signing-key',
    rawMail: { put: () => undefined },
  };
  const server = createAppServer();
  server.attach(runtime);
  const base = await listen(server.server);
  return {
    base,
    async stop() {
      await close(server.server);
      raw.destroy();
      await close(dynamo);
    },
  };
}
