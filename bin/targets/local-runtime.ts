import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UsageError } from '../../functions/core/errors.ts';
import type { TableSource } from './table-source.ts';

/*
 * The local runtime as the CLI sees it (docs/architecture.md §7): its data folder, the runtime.json a running
 * `npm start` writes there, the lock dynalite holds on its files, and the table read through the running runtime or
 * straight from the files when none runs. Two engines must never share a folder, so a command that would start one
 * asks `runtimeInUse` first.
 */

/** What a running local runtime says of itself in its data folder (local/runtime.ts RUNTIME_FILE). */
export interface RunningRuntime {
  readonly pid: number;
  readonly dynamodbUrl: string;
  /** Its dashboard and API. */
  readonly url?: string;
}

const LOCAL_TABLE = 'followup';
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const filesOf = (dataDir: string) => join(dataDir, 'dynamodb');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The local runtime running on `dataDir`, as its runtime.json says (a half-written file says nothing). */
export function runningRuntime(dataDir: string): RunningRuntime | undefined {
  const file = join(dataDir, 'runtime.json');
  let running: Partial<RunningRuntime> | undefined;
  try {
    running = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<RunningRuntime>)
      : undefined;
  } catch {
    return undefined;
  }
  if (!running?.pid || !running.dynamodbUrl || !alive(running.pid)) return undefined;
  return { pid: running.pid, dynamodbUrl: running.dynamodbUrl, ...(running.url ? { url: running.url } : {}) };
}

/**
 * Whether another process holds DynamoDB's files (a runtime that wrote no runtime.json): the lock dynalite takes,
 * probed with the LevelDB dynalite itself uses, so dynalite does not fail later outside any await with a stack trace.
 */
async function filesLocked(dataDir: string): Promise<boolean> {
  const files = filesOf(dataDir);
  if (!existsSync(files)) return false;
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = fromDynalite('level') as {
    Level: new (path: string, options: object) => { open(): Promise<void>; close(): Promise<void> };
  };
  const db = new Level(files, { createIfMissing: false });
  try {
    await db.open();
    await db.close();
    return false;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED';
  }
}

/** A runtime on `dataDir`: the one runtime.json names, or one holding the files that does not say where it is. */
export async function runtimeInUse(dataDir: string): Promise<{ readonly url?: string } | undefined> {
  const running = runningRuntime(dataDir);
  if (running) return running.url ? { url: running.url } : {};
  return (await filesLocked(dataDir)) ? {} : undefined;
}

/**
 * The local runtime's table: through the running runtime's DynamoDB endpoint when `npm start` runs (it holds the
 * files), else straight from the files under the data folder; undefined when there are none yet.
 */
export async function localTable(
  dataDir: string,
  /** What the user ran, for the message when the files are held: "report", "touches command". */
  command: string,
): Promise<TableSource | undefined> {
  const running = runningRuntime(dataDir);
  if (running) {
    const client = new DynamoDBClient({
      endpoint: running.dynamodbUrl,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 2,
    });
    return {
      client: DynamoDBDocumentClient.from(client),
      tableName: LOCAL_TABLE,
      label: `the local runtime (pid ${running.pid})`,
      close: async () => client.destroy(),
    };
  }
  const files = filesOf(dataDir);
  if (!existsSync(files)) return undefined;
  if (await filesLocked(dataDir)) {
    throw new UsageError(
      `${files} is in use by another process that does not say where its table is (a local runtime started before this version?); restart it, or stop it and run the ${command} again`,
    );
  }
  const { default: dynalite } = await import('dynalite');
  const server: Server = dynalite({ path: files, createTableMs: 0 });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  return {
    client: DynamoDBDocumentClient.from(client),
    tableName: LOCAL_TABLE,
    label: `${dataDir} (local runtime data)`,
    close: async () => {
      client.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
