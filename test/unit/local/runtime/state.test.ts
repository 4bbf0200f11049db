import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileExecutionStore } from '../../../../local/runtime/state.ts';
import type { ExecutionRecord, ExecutionStatus } from '../../../../local/step-functions.ts';

/* The executions file of the data folder: each save appends what changed; a crash at any point loses nothing saved. */

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'followup-state-'));
  file = join(dir, 'executions.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const record = (n: number, status: ExecutionStatus = 'RUNNING'): ExecutionRecord => ({
  executionArn: `arn:aws:states:local:000000000000:execution:m:e${n}`,
  stateMachineArn: 'arn:aws:states:local:000000000000:stateMachine:m',
  name: `e${n}`,
  input: `{"n":${n}}`,
  status,
  startDate: '2026-06-01T12:00:00.000Z',
});
const statuses = (records: readonly ExecutionRecord[]) =>
  Object.fromEntries(records.map((r) => [r.name, r.status]));

describe('FileExecutionStore', () => {
  it('keeps the latest of each record across saves of only what changed, read back by a new store', async () => {
    // Prepare
    const store = new FileExecutionStore(file);
    await store.load();

    // Act
    await store.save([record(1), record(2)]);
    await store.save([record(1, 'SUCCEEDED')]);
    await store.save([record(3)]);

    // Assess
    expect(statuses(await new FileExecutionStore(file).load())).toEqual({
      e1: 'SUCCEEDED',
      e2: 'RUNNING',
      e3: 'RUNNING',
    });
  });

  it('folds a long journal into the snapshot and reads the same records after it', async () => {
    // Prepare
    const store = new FileExecutionStore(file);
    await store.load();

    // Act: more saves than the journal keeps before it is folded in
    for (let n = 0; n < 2_500; n++) await store.save([record(n % 10, n >= 2_490 ? 'FAILED' : 'RUNNING')]);

    // Assess: the snapshot was written, the journal is short, and every record is as last saved
    expect(JSON.parse(readFileSync(file, 'utf8')).records).toHaveLength(10);
    expect(readFileSync(join(dir, 'executions.journal'), 'utf8').split('\n').length).toBeLessThan(600);
    const loaded = await new FileExecutionStore(file).load();
    expect(loaded.map((r) => r.status)).toEqual(loaded.map(() => 'FAILED'));
  });

  it('leaves out a last line cut short by a crash, and keeps what is saved after it', async () => {
    // Prepare: one save on disk, then half a line, as a kill -9 mid-write leaves it
    const first = new FileExecutionStore(file);
    await first.load();
    await first.save([record(1)]);
    appendFileSync(join(dir, 'executions.journal'), '{"seq":2,"record":{"executionArn":"arn:a');

    // Act
    const second = new FileExecutionStore(file);
    const resumed = await second.load();
    await second.save([record(2)]);

    // Assess
    expect(statuses(resumed)).toEqual({ e1: 'RUNNING' });
    expect(statuses(await new FileExecutionStore(file).load())).toEqual({ e1: 'RUNNING', e2: 'RUNNING' });
  });

  it('replays no journal line older than the snapshot (a crash between writing it and emptying the journal)', async () => {
    // Prepare: a snapshot that already has e1 finished, beside a journal still holding e1 running
    writeFileSync(file, JSON.stringify({ seq: 2, records: [record(1, 'SUCCEEDED')] }));
    writeFileSync(
      join(dir, 'executions.journal'),
      `${JSON.stringify({ seq: 1, record: record(1) })}\n${JSON.stringify({ seq: 3, record: record(2) })}\n`,
    );

    // Act
    const loaded = await new FileExecutionStore(file).load();

    // Assess
    expect(statuses(loaded)).toEqual({ e1: 'SUCCEEDED', e2: 'RUNNING' });
  });

  it('reads the executions file of an older version: the whole list, no journal', async () => {
    // Prepare
    writeFileSync(file, JSON.stringify([record(1), record(2, 'ABORTED')]));

    // Act
    const loaded = await new FileExecutionStore(file).load();

    // Assess
    expect(statuses(loaded)).toEqual({ e1: 'RUNNING', e2: 'ABORTED' });
  });
});
