import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll } from 'vitest';
import { DynamoLeadStore } from '../../functions/adapters/dynamo-lead-store.ts';
import type { LeadEvent, RepTask } from '../../functions/domain/ports.ts';
import { createFollowupTable } from '../../local/table.ts';
import { MemoryLeadStore } from '../unit/domain/memory-lead-store.ts';
import { leadStoreContract, type StoreUnderTest } from './lead-store.contract.ts';

leadStoreContract('MemoryLeadStore', async (): Promise<StoreUnderTest> => {
  const store = new MemoryLeadStore();
  return {
    store,
    tasksOf: async (leadId) => store.tasks.filter((task) => task.leadId === leadId),
    eventsOf: async (leadId) =>
      store.events.filter((event) => event.leadId === leadId).map(({ leadId: _leadId, ...event }) => event),
  };
});

// One dynalite for the file, a fresh table per test: creating a table in memory takes milliseconds.
let server: Server;
let raw: DynamoDBClient;
let client: DynamoDBDocumentClient;
let tables = 0;

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  raw = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  // As Lambda builds it (functions/runtime/clients.ts).
  client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
});

afterAll(async () => {
  raw.destroy();
  await new Promise<void>((done) => server.close(() => done()));
});

/** The lead's items of one type, without the adapter's own attributes: found by attribute, so no key is spelled. */
async function itemsOf(tableName: string, type: string, leadId: string, adapterOnly: readonly string[]) {
  const { Items = [] } = await client.send(
    new ScanCommand({
      TableName: tableName,
      FilterExpression: '#type = :type AND leadId = :leadId',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':type': type, ':leadId': leadId },
      ConsistentRead: true,
    }),
  );
  const hidden = new Set(['pk', 'sk', 'type', ...adapterOnly]);
  return Items.sort((a, b) => String(a.sk).localeCompare(String(b.sk))).map((item) =>
    Object.fromEntries(Object.entries(item).filter(([field]) => !hidden.has(field))),
  );
}

leadStoreContract('DynamoLeadStore on dynalite', async (): Promise<StoreUnderTest> => {
  const tableName = `followup-contract-${++tables}`;
  await createFollowupTable(raw, tableName);
  return {
    store: new DynamoLeadStore({ client, tableName }),
    // A task's open/done state belongs to the dashboard, not to the port.
    tasksOf: async (leadId) => (await itemsOf(tableName, 'task', leadId, ['status'])) as unknown as RepTask[],
    eventsOf: async (leadId) =>
      (await itemsOf(tableName, 'event', leadId, ['leadId'])) as unknown as LeadEvent[],
  };
});
