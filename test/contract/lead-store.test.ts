import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { enrollmentItemKey, leadKey, taskKey } from '../../functions/adapters/dynamo/keys.ts';
import { DynamoLeadStore } from '../../functions/adapters/dynamo/lead-store.ts';
import { DynamoLeadReads } from '../../functions/adapters/dynamo/reads.ts';
import { leadUpsert } from '../../functions/domain/enroll.ts';
import { leadIdFor } from '../../functions/domain/lead.ts';
import type { LeadEvent, RepTask } from '../../functions/domain/ports.ts';
import { MemoryLeadReads } from '../../local/memory/lead-reads.ts';
import { MemoryLeadStore } from '../../local/memory/lead-store.ts';
import { dynaliteTables } from '../support/dynalite-tables.ts';
import { leadReadsContract } from './lead-reads.contract.ts';
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

leadReadsContract('MemoryLeadReads', async () => {
  const store = new MemoryLeadStore();
  return { store, reads: new MemoryLeadReads(store) };
});

// One dynalite for the file, a fresh table per test: creating a table in memory takes milliseconds.
const dynamo = dynaliteTables();

/** The lead's items of one type, without the adapter's own attributes: found by attribute, so no key is spelled. */
async function itemsOf(tableName: string, type: string, leadId: string, adapterOnly: readonly string[]) {
  const { Items = [] } = await dynamo.client().send(
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
  const { client, tableName } = await dynamo.table('followup-contract');
  return {
    store: new DynamoLeadStore({ client, tableName }),
    // A task's open/done state belongs to the dashboard, not to the port.
    tasksOf: async (leadId) => (await itemsOf(tableName, 'task', leadId, ['status'])) as unknown as RepTask[],
    eventsOf: async (leadId) =>
      (await itemsOf(tableName, 'event', leadId, ['leadId'])) as unknown as LeadEvent[],
  };
});

leadReadsContract('DynamoLeadReads on dynalite', async () => {
  const { client, tableName } = await dynamo.table('followup-contract');
  return {
    store: new DynamoLeadStore({ client, tableName }),
    reads: new DynamoLeadReads({ client, tableName }),
  };
});

describe('DynamoLeadReads on a table written before the listings existed', () => {
  it('lists its leads, tasks and stuck enrollments on the first read, once', async () => {
    // Prepare: items as the older store wrote them: a lead, a task and a stuck enrollment, no listing or list entry
    const { client, tableName } = await dynamo.table('followup-contract');
    const old = leadIdFor('old@example.com');
    const { create } = leadUpsert(
      old,
      { email: 'Old@Example.com', company: 'Northwind' },
      '2026-01-05T10:00:00.000Z',
    );
    const put = (Item: Record<string, unknown>) =>
      client.send(new PutCommand({ TableName: tableName, Item }));
    await put({ ...leadKey(old), type: 'lead', ...create });
    await put({
      ...taskKey(old, 'e-1', 2),
      type: 'task',
      status: 'open',
      leadId: old,
      enrollmentId: 'e-1',
      stepIndex: 2,
      dueAt: '2026-01-06T15:00:00.000Z',
      title: 'Call',
    });
    await put({
      ...enrollmentItemKey(old, 'e-1'),
      type: 'enrollment',
      leadId: old,
      enrollmentId: 'e-1',
      cadenceId: 'web-inquiry',
      status: 'stuck',
      startAttempts: 8,
      endedAt: '2026-01-05T12:00:00.000Z',
      createdAt: '2026-01-05T10:00:00.000Z',
    });
    const store = new DynamoLeadStore({ client, tableName });
    const recent = leadIdFor('new@example.com');
    await store.upsertLead(leadUpsert(recent, { email: 'new@example.com' }, '2026-03-01T10:00:00.000Z'));

    // Act
    const page = await new DynamoLeadReads({ client, tableName }).listLeads({ limit: 50, search: 'north' });
    const everyone = await new DynamoLeadReads({ client, tableName }).listLeads({ limit: 50 });
    const reads = new DynamoLeadReads({ client, tableName });

    // Assess
    expect(page.leads.map((lead) => lead.leadId)).toEqual([old]);
    expect(everyone.leads.map((lead) => lead.leadId)).toEqual([recent, old]);
    expect((await reads.openTasks()).map((task) => [task.leadId, task.dueAt])).toEqual([
      [old, '2026-01-06T15:00:00.000Z'],
    ]);
    expect((await reads.unstartedEnrollments()).map((e) => e.enrollmentId)).toEqual(['e-1']);
    const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
    expect(Items.filter((item) => item.type === 'listing')).toHaveLength(2);
  });
});
