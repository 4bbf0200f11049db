import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { DynamoLeadStore } from '../../../../functions/adapters/dynamo/lead-store.ts';
import { DynamoRotation, DynamoSlaTimers } from '../../../../functions/adapters/dynamo-rep-desk.ts';
import type { SlaTimer } from '../../../../functions/domain/sla.ts';
import { dynaliteTables } from '../../../support/dynalite-tables.ts';

/* The rotation counter and the SLA timers on a real DynamoDB protocol (dynalite): ADD and the sort order are the rules. */

const dynamo = dynaliteTables();

async function table() {
  return dynamo.table('followup-desk');
}

const timer = (dueAt: string, level: 1 | 2 = 1): SlaTimer => ({
  leadId: 'ld_1',
  enrollmentId: 'proposal-ld_1-abc',
  cadenceId: 'proposal',
  stepIndex: 1,
  stepId: 'call',
  level,
  dueAt,
  taskDueAt: '2026-12-15T16:00:00.000Z',
  sla: '15 business minutes',
  holder: 'ana@acme.com',
});

describe('DynamoRotation', () => {
  it('gives 40 concurrent signups 40 different turns', async () => {
    // Prepare: one counter, several "Lambdas"
    const options = await table();
    const rotations = [new DynamoRotation(options), new DynamoRotation(options)];
    // Act
    const turns = await Promise.all(Array.from({ length: 40 }, (_, i) => rotations[i % 2]?.next()));
    // Assess
    expect([...turns].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
  });

  it('lets a throttled ADD fail rather than guess a turn', async () => {
    const mock = mockClient(DynamoDBDocumentClient);
    mock.rejects(
      Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }),
    );
    const rotation = new DynamoRotation({
      client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
      tableName: 't',
    });
    await expect(rotation.next()).rejects.toThrow('Rate exceeded');
    mock.restore();
  });
});

describe('DynamoSlaTimers', () => {
  it('returns only the deadlines that have passed, soonest first, until disarmed', async () => {
    // Prepare
    const timers = new DynamoSlaTimers(await table());
    await timers.arm(timer('2026-12-15T16:30:00.000Z', 2));
    await timers.arm(timer('2026-12-15T16:15:00.000Z'));
    await timers.arm(timer('2026-12-16T09:00:00.000Z'));
    // Act
    const due = await timers.due('2026-12-15T16:30:00.000Z', 10);
    await timers.disarm(timer('2026-12-15T16:15:00.000Z'));
    // Assess
    expect(due.map((t) => [t.dueAt, t.level])).toEqual([
      ['2026-12-15T16:15:00.000Z', 1],
      ['2026-12-15T16:30:00.000Z', 2],
    ]);
    expect(due[0]).toEqual(timer('2026-12-15T16:15:00.000Z'));
    expect((await timers.due('2026-12-15T16:30:00.000Z', 10)).map((t) => t.level)).toEqual([2]);
  });

  it('sees a task done once its done marker is written', async () => {
    const options = await table();
    const timers = new DynamoSlaTimers(options);
    const store = new DynamoLeadStore(options);
    expect(await timers.taskDone('ld_1', 'proposal-ld_1-abc', 1)).toBe(false);
    await store.claimSignal(
      {
        leadId: 'ld_1',
        signalId: 'task-done:proposal-ld_1-abc#1',
        type: 'task-done',
        source: 'outcome-link',
        claimedAt: '2026-12-15T16:05:00.000Z',
      },
      '2026-12-15T15:50:00.000Z',
    );
    expect(await timers.taskDone('ld_1', 'proposal-ld_1-abc', 1)).toBe(true);
  });
});
