import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointPath } from '../../bin/import/journal.ts';
import { directTarget, httpTarget } from '../../bin/import/row-targets.ts';
import { type ImportProgress, runImport } from '../../bin/import/run.ts';
import { enrollmentIn } from '../../bin/targets.ts';
import {
  ManualClock,
  showLogsOnFailure,
  startTestRuntime,
  type TestRuntime,
  tempDir,
} from '../integ/harness.ts';
import { scanAll } from '../integ/table-scan.ts';
import { awsError, faulty, runtimeClients } from './faults.ts';

/*
 * A bulk import while AWS throttles: StartExecution and DynamoDB refuse for a while. The import slows down (its rate
 * halves, each refused row backs off), loses no row, enrolls none twice, and finishes.
 */

const SATURDAY_NIGHT = new Date('2026-04-12T04:00:00.000Z');
const ROWS = 120;
const RATE = 40;

let engine: TestRuntime;
let dir: ReturnType<typeof tempDir>;
beforeEach(async ({ onTestFailed }) => {
  showLogsOnFailure(onTestFailed);
  dir = tempDir('followup-import-fault-');
  engine = await startTestRuntime({ clock: new ManualClock(SATURDAY_NIGHT) });
});
afterEach(async () => {
  await engine.stop();
  dir.remove();
});

function csv(rows: number): string {
  const lines = ['email,name,company'];
  for (let i = 0; i < rows; i++) lines.push(`buyer${i}@example.com,Buyer ${i},Shop ${i}`);
  return `${lines.join('\n')}\n`;
}

describe('StartExecution and DynamoDB throttle during a bulk import', () => {
  it('slows down, backs off, loses nothing, enrolls each row once and finishes', async () => {
    // Prepare: from the 20th start on, 3 of every 4 StartExecution calls are throttled for 3 seconds, and a few
    // enrollment writes are refused for throughput
    const file = join(dir.path, 'buyers.csv');
    writeFileSync(file, csv(ROWS));
    const { sfn, documents } = await runtimeClients(engine);
    let starts = 0;
    let throttledStarts = 0;
    let throttlingSince: number | undefined;
    const throttledSfn = faulty(sfn, (command) => {
      if (!(command instanceof StartExecutionCommand)) return;
      starts++;
      if (starts === 20) throttlingSince = performance.now();
      const throttling = throttlingSince !== undefined && performance.now() - throttlingSince < 3_000;
      if (throttling && starts % 4 !== 0) {
        throttledStarts++;
        throw awsError('ThrottlingException', 'Rate exceeded');
      }
    });
    let puts = 0;
    let refusedWrites = 0;
    // An enrollment is written alone, or once started in a batch that other rows' writes may share: a refused batch
    // refuses each row whose writes it holds (one lead a row).
    const rowsWritingEnrollment = (command: unknown): number => {
      if (command instanceof PutCommand) return String(command.input.Item?.sk).startsWith('ENR#') ? 1 : 0;
      if (!(command instanceof BatchWriteCommand)) return 0;
      const writes = Object.values(command.input.RequestItems ?? {}).flat();
      if (!writes.some((w) => String(w.PutRequest?.Item?.sk).startsWith('ENR#'))) return 0;
      return new Set(writes.flatMap((w) => JSON.stringify(w).match(/ld_[0-9a-f]{24}/) ?? [])).size;
    };
    const throttledTable = faulty(documents, (command) => {
      const rows = rowsWritingEnrollment(command);
      if (rows === 0) return;
      puts++;
      if (puts % 25 === 10) {
        refusedWrites += rows;
        throw new ProvisionedThroughputExceededException({ message: 'Throughput exceeded', $metadata: {} });
      }
    });
    const { ses, sns, secrets, s3, lambda } = engine.runtime.clients;
    const deps = await enrollmentIn(engine.runtime, {
      clients: { documents: throttledTable, sfn: throttledSfn, ses, sns, secrets, s3, lambda },
    });
    const target = directTarget(deps, {
      cadenceId: 'proposal',
      origin: 'import:buyers.csv',
      clock: () => engine.clock.now(),
      description: 'test',
    });
    const allowed: number[] = [];

    // Act
    const started = performance.now();
    const summary = await runImport({
      file,
      cadenceId: 'proposal',
      target,
      rate: RATE,
      backoff: { baseMs: 100, maxMs: 1_000 },
      onProgress: (p: ImportProgress) => allowed.push(p.allowedRate),
    });
    const seconds = (performance.now() - started) / 1000;

    // Assess: it met throttling, slowed down, and retried every refused row
    expect(throttledStarts).toBeGreaterThan(5);
    expect(refusedWrites).toBeGreaterThan(0);
    expect(summary.retries).toBe(throttledStarts + refusedWrites);
    expect(Math.min(...allowed)).toBeLessThanOrEqual(RATE / 2);
    expect(Math.min(...allowed)).toBeGreaterThanOrEqual(RATE / 16);
    expect(seconds).toBeGreaterThan(ROWS / RATE);

    // Assess: it finished, and every row is one lead, one started enrollment, one running execution
    expect(summary).toMatchObject({
      rows: ROWS,
      imported: ROWS,
      alreadyEnrolled: 0,
      rejected: 0,
      interrupted: false,
    });
    const items = await scanAll(engine.runtime.ddb, engine.runtime.tableName);
    const enrollments = items.filter((i) => String(i.sk).startsWith('ENR#'));
    expect(items.filter((i) => i.sk === 'LEAD')).toHaveLength(ROWS);
    expect(enrollments).toHaveLength(ROWS);
    expect(enrollments.every((e) => e.status === 'started')).toBe(true);
    const executions = engine.runtime.sfn.list();
    expect(executions).toHaveLength(ROWS);
    expect(new Set(executions.map((e) => e.name))).toEqual(new Set(enrollments.map((e) => e.enrollmentId)));
    expect(executions.every((e) => e.status === 'RUNNING')).toBe(true);
  }, 60_000);
});

describe('a running engine answers 429 and 503 during an import --url', () => {
  it('retries each refused row after a backoff and imports every row once', async () => {
    // Prepare: the endpoint refuses every third post, alternately 429 (API throttling) and 503 (busy)
    const file = join(dir.path, 'expo.csv');
    writeFileSync(file, csv(30));
    let posts = 0;
    let refused = 0;
    const flaky: typeof fetch = async (input, init) => {
      posts++;
      if (posts % 3 === 0) {
        refused++;
        return new Response(JSON.stringify({ message: 'Too Many Requests' }), {
          status: refused % 2 === 0 ? 503 : 429,
        });
      }
      return fetch(input, init);
    };

    // Act
    const summary = await runImport({
      file,
      cadenceId: 'proposal',
      target: httpTarget(engine.url, { cadenceId: 'proposal', origin: 'import:expo.csv' }, flaky),
      rate: 100,
      backoff: { baseMs: 20, maxMs: 200 },
    });

    // Assess
    expect(summary).toMatchObject({ rows: 30, imported: 30, rejected: 0, retries: refused });
    expect(engine.runtime.sfn.list()).toHaveLength(30);
  });
});

describe('an unpaced import into the local runtime dies mid-way (kill -9)', () => {
  it('resumes from the last checkpoint it wrote: no row lost, none enrolled twice', async () => {
    // Prepare: the checkpoint as a kill -9 leaves it is the last one written, some rows before the rows in flight
    const rows = 300;
    const file = join(dir.path, 'fair.csv');
    writeFileSync(file, csv(rows));
    const crashed = join(dir.path, 'crashed.json');
    const stop = new AbortController();
    const target = directTarget(await enrollmentIn(engine.runtime), {
      cadenceId: 'proposal',
      origin: 'import:fair.csv',
      clock: () => engine.clock.now(),
      description: 'test',
    });

    // Act: the run checkpoints every 50 ms; the snapshot taken past half-way is what the crash leaves
    await runImport({
      file,
      cadenceId: 'proposal',
      target,
      checkpointEveryMs: 50,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.done < rows / 2 || stop.signal.aborted || !existsSync(checkpointPath(file))) return;
        copyFileSync(checkpointPath(file), crashed);
        stop.abort();
      },
    });
    copyFileSync(crashed, checkpointPath(file));
    const resumed = await runImport({ file, cadenceId: 'proposal', target, resume: true });

    // Assess: the resume finished every row; rows the crash did not record are found already enrolled
    expect(resumed.interrupted).toBe(false);
    expect(resumed.resumed).toBeGreaterThan(0);
    expect(resumed.resumed).toBeLessThan(rows);
    expect(resumed.imported + resumed.alreadyEnrolled).toBe(rows);
    expect(resumed.rejected).toBe(0);
    const items = await scanAll(engine.runtime.ddb, engine.runtime.tableName);
    const enrollments = items.filter((i) => String(i.sk).startsWith('ENR#'));
    expect(items.filter((i) => i.sk === 'LEAD')).toHaveLength(rows);
    expect(enrollments).toHaveLength(rows);
    expect(engine.runtime.sfn.list()).toHaveLength(rows);
    expect(new Set(engine.runtime.sfn.list().map((e) => e.name))).toEqual(
      new Set(enrollments.map((e) => e.enrollmentId)),
    );
  }, 120_000);
});
