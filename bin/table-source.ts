import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UsageError } from '../functions/core/errors.ts';
import { credentialProblem, resolveRegion } from './aws-access.ts';

/*
 * Where a command reads the engine's table: the local runtime's (through the running runtime's DynamoDB endpoint,
 * or straight from its files) or the deployed stack's (--aws). `followup report` and `followup touches` share it.
 */

/** A table to read and what to close once read. */
export interface TableSource {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Where the data comes from, for a heading. */
  readonly label: string;
  close(): Promise<void>;
}

/** What a running local runtime says of itself in its data folder (local/runtime.ts RUNTIME_FILE). */
export interface RunningRuntime {
  readonly pid: number;
  readonly dynamodbUrl: string;
  /** Its dashboard and API. */
  readonly url?: string;
}

const LOCAL_TABLE = 'followup';
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

const documentClient = (client: DynamoDBClient) => DynamoDBDocumentClient.from(client);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The local runtime running on `dataDir`, if one is. */
export function runningRuntime(dataDir: string): RunningRuntime | undefined {
  const runtimeFile = join(dataDir, 'runtime.json');
  const running = existsSync(runtimeFile)
    ? (JSON.parse(readFileSync(runtimeFile, 'utf8')) as Partial<RunningRuntime>)
    : undefined;
  if (!running?.pid || !running.dynamodbUrl || !alive(running.pid)) return undefined;
  return { pid: running.pid, dynamodbUrl: running.dynamodbUrl, ...(running.url ? { url: running.url } : {}) };
}

interface LevelDb {
  open(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Fails with a clear line when another process holds the files (a runtime that wrote no runtime.json): dynalite would
 * otherwise fail later, outside any await, with a stack trace. Opens them with the LevelDB dynalite itself uses.
 */
async function assertFree(files: string, command: string): Promise<void> {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = fromDynalite('level') as { Level: new (path: string) => LevelDb };
  const db = new Level(files);
  try {
    await db.open();
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED') {
      throw new UsageError(
        `${files} is in use by another process that does not say where its table is (a local runtime started before this version?); restart it, or stop it and run the ${command} again`,
      );
    }
    throw error;
  }
  await db.close();
}

/**
 * The local runtime's table: through the running runtime's DynamoDB endpoint when `npm start` runs (it holds the
 * files), else straight from the files under the data folder; undefined when there are none yet.
 */
export async function localTable(
  dataDir: string,
  /** What the user ran, for the message when the files are held: "report", "touches command". */
  command = 'report',
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
      client: documentClient(client),
      tableName: LOCAL_TABLE,
      label: `the local runtime (pid ${running.pid})`,
      close: async () => client.destroy(),
    };
  }
  const files = join(dataDir, 'dynamodb');
  if (!existsSync(files)) return undefined;
  await assertFree(files, command);
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
    client: documentClient(client),
    tableName: LOCAL_TABLE,
    label: `${dataDir} (local runtime data)`,
    close: async () => {
      client.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

export interface AwsTableOptions {
  readonly table?: string;
  readonly stack?: string;
  readonly region?: string;
}

/** What to say when the stack cannot give the output: the flag or step that does without it. */
interface OutputHints {
  /** When the stack cannot be read, e.g. "pass --stack NAME or --table NAME". */
  readonly unreadable: string;
  /** When the stack has no such output, e.g. "pass --table NAME". */
  readonly missing: string;
}

/** One output of the deployed stack: the table's name, the Touch function's. */
export async function stackOutput(
  stackName: string,
  key: string,
  region: string,
  hints: OutputHints,
): Promise<string> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cloudformation = new CloudFormationClient({ region });
  let value: string | undefined;
  try {
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    value = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
  } catch (error) {
    throw (
      credentialProblem(error) ??
      new UsageError(
        `cannot read the stack "${stackName}" (${(error as Error).message}); ${hints.unreadable}`,
      )
    );
  } finally {
    cloudformation.destroy();
  }
  if (!value) throw new UsageError(`the stack "${stackName}" has no ${key} output; ${hints.missing}`);
  return value;
}

/** The deployed table: --table, else the stack's TableName output. */
export async function awsTable(options: AwsTableOptions): Promise<TableSource> {
  const region = await resolveRegion(options.region);
  const tableName =
    options.table ??
    (await stackOutput(options.stack ?? 'Followup', 'TableName', region, {
      unreadable: 'pass --stack NAME or --table NAME',
      missing: 'pass --table NAME',
    }));
  const client = new DynamoDBClient({ region });
  return {
    client: documentClient(client),
    tableName,
    label: `the table ${tableName}`,
    close: async () => client.destroy(),
  };
}
