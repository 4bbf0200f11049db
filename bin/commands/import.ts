import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { UsageError, UserError } from '../../functions/core/errors.ts';
import type { EnrollDeps } from '../../functions/domain/enroll.ts';
import {
  checkpointPath,
  directTarget,
  httpTarget,
  ImportError,
  type ImportProgress,
  type ImportSummary,
  type ImportTarget,
  runImport,
} from '../../local/import.ts';
import { table } from '../output.ts';

/*
 * `followup leads import FILE.csv --cadence ID` (docs/architecture.md §6). Where the rows go:
 *   - by default, the local runtime's data in .followup/, with the engine started in this process exactly as
 *     `npm start` starts it (its executions run here while the import lasts and resume at the next `npm start`). Two
 *     engines must never share that folder (each would overwrite the other's executions), so when `npm start` runs
 *     the import refuses and names the --url that posts through it instead;
 *   - --url URL: POST /leads of a running engine (`npm start`, or the deployed API), the same validation and
 *     enrollment as a form post;
 *   - --aws (or FOLLOWUP_TARGET=aws): the deployed stack's table and state machines, with your AWS credentials.
 */

export interface ImportCliOptions {
  readonly cadence: string;
  readonly rate?: string;
  readonly resume?: boolean;
  readonly url?: string;
  readonly aws?: boolean;
  readonly stack?: string;
  readonly region?: string;
  readonly json?: boolean;
  /** The local runtime's data folder (default .followup/). */
  readonly data?: string;
}

/** What the command writes to: the terminal, or a test's buffers. */
export interface Terminal {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
}

const ROOT = new URL('../..', import.meta.url).pathname;
export const DEFAULT_RATE = 20;

export function parseRate(value: string | undefined): number {
  if (value === undefined) return DEFAULT_RATE;
  const rate = value.trim() === '' ? Number.NaN : Number(value);
  if (!(rate > 0) || !Number.isFinite(rate) || rate > 10_000) {
    throw new UsageError(
      `--rate must be a number of rows per second above 0, e.g. --rate 20 (got "${value}")`,
    );
  }
  return rate;
}

const count = (n: number) => n.toLocaleString('en-US');

/** "12s", "3m 05s", "1h 02m". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function progressText(p: ImportProgress): string {
  const speed = p.rowsPerSecond > 0 ? `${p.rowsPerSecond.toFixed(1)} rows/s` : 'starting';
  const eta = p.etaSeconds !== undefined && p.done < p.total ? ` · ETA ${duration(p.etaSeconds)}` : '';
  const throttled =
    p.retries > 0 ? ` · ${count(p.retries)} throttled, now ${p.allowedRate.toFixed(1)}/s` : '';
  const rejected = p.counts.rejected > 0 ? ` · ${count(p.counts.rejected)} rejected` : '';
  return `${count(p.done)}/${count(p.total)} rows · ${speed}${eta}${rejected}${throttled}`;
}

/** A bar redrawn at most ten times a second on a terminal; a plain line every 5 s anywhere else (logs, CI). */
export function progressReporter(stderr: Terminal['stderr'], label: string) {
  const width = 24;
  let drawnAt = 0;
  let drawn = false;
  return {
    update(p: ImportProgress) {
      const now = Date.now();
      const finished = p.done >= p.total;
      if (stderr.isTTY) {
        if (now - drawnAt < 100 && !finished) return;
        drawnAt = now;
        drawn = true;
        const filled = p.total > 0 ? Math.round((p.done / p.total) * width) : width;
        stderr.write(
          `\r\x1b[2K${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progressText(p)}`,
        );
        return;
      }
      if (now - drawnAt < 5_000) return;
      // The first call starts the clock: a line every 5 s from then on.
      if (drawnAt > 0) stderr.write(`${label}: ${progressText(p)}\n`);
      drawnAt = now;
    },
    clear() {
      if (drawn) stderr.write('\r\x1b[2K');
    },
  };
}

export function formatSummary(s: ImportSummary): string {
  const notEnrolled = Object.entries(s.notEnrolled.byReason)
    .map(([reason, n]) => `${reason} ${count(n)}`)
    .join(', ');
  const lines = [
    `${s.interrupted ? 'Interrupted: ' : ''}${s.file} into "${s.cadence}" (${s.target})`,
    '',
    table([
      ['Rows', count(s.rows), s.resumed > 0 ? `${count(s.resumed)} done by the earlier run` : ''],
      ['Imported', count(s.imported), 'new enrollments'],
      ['Already enrolled', count(s.alreadyEnrolled), 'in this cadence before (or twice in the file)'],
      ...(s.notEnrolled.total > 0 ? [['Not enrolled', count(s.notEnrolled.total), notEnrolled]] : []),
      ['Rejected', count(s.rejected), s.rejectedFile ? `see ${basename(s.rejectedFile)}` : ''],
      [
        'Time',
        duration(s.seconds),
        `${s.rowsPerSecond.toFixed(1)} rows/s${s.retries > 0 ? ` · ${count(s.retries)} throttled answers retried` : ''}`,
      ],
    ]),
  ];
  if (s.unknownColumns.length > 0) {
    lines.push('', `Columns not imported: ${s.unknownColumns.map((c) => `"${c}"`).join(', ')}`);
  }
  if (s.rejectedRows.length > 0) {
    const shown = s.rejectedRows.slice(0, 20);
    lines.push('', 'Rejected rows', ...shown.map((r) => `  line ${r.line}: ${r.reason}`));
    if (s.rejectedRows.length > shown.length) {
      lines.push(
        `  … and ${count(s.rejectedRows.length - shown.length)} more in ${basename(s.rejectedFile ?? '')}`,
      );
    }
  }
  if (s.interrupted) {
    lines.push(
      '',
      `${count(s.rows - doneRows(s))} rows to go: run the same command with --resume to continue.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const doneRows = (s: ImportSummary) => s.imported + s.alreadyEnrolled + s.notEnrolled.total + s.rejected;

interface OpenTarget {
  readonly target: ImportTarget;
  close(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether DynamoDB's files are held by a runtime: the lock dynalite takes, probed with the library it uses. */
async function filesLocked(dataDir: string): Promise<boolean> {
  const files = join(dataDir, 'dynamodb');
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

/** A runtime already running on `dataDir` (`npm start`): its URL when it says, else "unknown". */
export async function runningRuntime(dataDir: string): Promise<string | undefined> {
  const file = join(dataDir, 'runtime.json');
  if (existsSync(file)) {
    try {
      const { pid, url } = JSON.parse(readFileSync(file, 'utf8')) as { pid?: number; url?: string };
      if (pid && alive(pid)) return url ?? 'unknown';
    } catch {
      // A half-written file: the lock below decides.
    }
  }
  return (await filesLocked(dataDir)) ? 'unknown' : undefined;
}

/** The cadence is one of cadences/: checked before anything starts. */
async function knownCadence(cadenceId: string): Promise<void> {
  const { loadCadencesSync } = await import('../../functions/adapters/cadence-files.ts');
  const ids = loadCadencesSync(join(ROOT, 'cadences')).map((c) => c.id);
  if (!ids.includes(cadenceId)) throw unknownCadence(cadenceId, ids);
}

async function localTarget(file: string, cadenceId: string, options: ImportCliOptions): Promise<OpenTarget> {
  await knownCadence(cadenceId);
  const dataDir = resolve(options.data ?? join(ROOT, '.followup'));
  const folder = options.data ?? '.followup/';
  const running = await runningRuntime(dataDir);
  if (running) {
    const url = running === 'unknown' ? 'http://127.0.0.1:3000' : running;
    throw new ImportError(
      `Followup is running on ${folder} (npm start${running === 'unknown' ? '' : ` at ${running}`}): stop it, or import through it with --url ${url}`,
    );
  }
  const { startRuntime } = await import('../../local/runtime.ts');
  // On npm start's port: links in the emails sent while the import runs work once `npm start` serves them.
  const runtime = await startRuntime({
    port: Number(process.env.PORT ?? 3000),
    dataDir,
    logLevel: options.json ? 'SILENT' : 'ERROR',
  });
  const { intakeDependencies } = await import('../../functions/runtime/dependencies.ts');
  return {
    target: directTarget(intakeDependencies(), {
      cadenceId,
      origin: `import:${basename(file)}`,
      clock: () => runtime.clock.now(),
      description: `the local runtime, ${folder}`,
    }),
    close: () => runtime.stop(),
  };
}

const unknownCadence = (id: string, known: readonly string[]) =>
  new UsageError(`no cadence "${id}" in cadences/; use one of ${known.join(', ')}`);

/** The deployed stack's table and state machine ARNs, from its stack (the ARN gives region and account). */
export async function stackResources(
  stackName: string,
  region?: string,
): Promise<{ tableName: string; stateMachineArnTemplate: string }> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cloudformation = new CloudFormationClient(region ? { region } : {});
  try {
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    const tableName = stack?.Outputs?.find((o) => o.OutputKey === 'TableName')?.OutputValue;
    const [, partition, , stackRegion, account] = (stack?.StackId ?? '').split(':');
    if (!tableName || !partition || !stackRegion || !account) {
      throw new ImportError(`the stack "${stackName}" has no TableName output; is it a Followup stack?`);
    }
    return {
      tableName,
      // lib/followup-stack.ts: one machine per cadence, `<stack>-<cadence>`, started through its alias "live".
      stateMachineArnTemplate: `arn:${partition}:states:${stackRegion}:${account}:stateMachine:${stackName}-{cadence}:live`,
    };
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw new ImportError(
      `cannot read the stack "${stackName}" (${(error as Error).message}); check your AWS credentials and region, or name the stack with --stack`,
    );
  } finally {
    cloudformation.destroy();
  }
}

async function awsTarget(file: string, cadenceId: string, options: ImportCliOptions): Promise<OpenTarget> {
  await knownCadence(cadenceId);
  const stackName = options.stack ?? 'Followup';
  const { tableName, stateMachineArnTemplate } = await stackResources(stackName, options.region);
  const { loadCadencesSync } = await import('../../functions/adapters/cadence-files.ts');
  const { loadConfig } = await import('../../lib/config.ts');
  const cadences = loadCadencesSync(join(ROOT, 'cadences'));
  const config = loadConfig(join(ROOT, 'followup.config.json'), new Set(cadences.map((c) => c.id)));
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
  const { SFNClient } = await import('@aws-sdk/client-sfn');
  const { DynamoLeadStore } = await import('../../functions/adapters/dynamo-lead-store.ts');
  const { SfnExecutions } = await import('../../functions/adapters/sfn-executions.ts');
  const { StaticCadenceCatalog } = await import('../../functions/adapters/cadence-catalog.ts');
  const region = options.region ? { region: options.region } : {};
  const dynamodb = new DynamoDBClient(region);
  const sfn = new SFNClient(region);
  const deps: EnrollDeps = {
    store: new DynamoLeadStore({
      client: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
      tableName,
    }),
    executions: new SfnExecutions({ client: sfn, stateMachineArnTemplate }),
    cadences: new StaticCadenceCatalog(cadences),
    defaultTimeZone: config.defaultTimeZone,
  };
  return {
    target: directTarget(deps, {
      cadenceId,
      origin: `import:${basename(file)}`,
      clock: () => new Date(),
      description: `the stack ${stackName}`,
    }),
    close: async () => {
      dynamodb.destroy();
      sfn.destroy();
    },
  };
}

async function openTarget(file: string, options: ImportCliOptions): Promise<OpenTarget> {
  if (options.url && options.aws) throw new UsageError('--url and --aws name two targets; pick one');
  if (options.url) {
    if (!URL.canParse(options.url)) {
      throw new UsageError(`--url must be a URL, e.g. --url http://127.0.0.1:3000 (got "${options.url}")`);
    }
    return {
      target: httpTarget(options.url, { cadenceId: options.cadence, origin: `import:${basename(file)}` }),
      close: async () => {},
    };
  }
  if (options.aws ?? process.env.FOLLOWUP_TARGET === 'aws') return awsTarget(file, options.cadence, options);
  return localTarget(file, options.cadence, options);
}

/** `followup leads import`: returns the exit status (0 done, 1 error, 130 interrupted). */
export async function importCommand(
  file: string,
  options: ImportCliOptions,
  terminal: Terminal = process,
  signal?: AbortSignal,
): Promise<number> {
  const rate = parseRate(options.rate);
  if (!existsSync(file)) throw new UsageError(`no file ${file}`);
  const stop = new AbortController();
  signal?.addEventListener('abort', () => stop.abort(), { once: true });
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    terminal.stderr.write('\nStopping after the rows in flight (Ctrl-C again to quit at once)…\n');
    stop.abort();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  const bar = progressReporter(terminal.stderr, basename(file));
  let summary: ImportSummary;
  try {
    const { target, close } = await openTarget(file, options);
    try {
      summary = await runImport({
        file,
        cadenceId: options.cadence,
        target,
        rate,
        resume: options.resume ?? false,
        signal: stop.signal,
        onProgress: bar.update,
      });
    } finally {
      bar.clear();
      await close();
    }
  } catch (error) {
    if (error instanceof UserError) {
      terminal.stderr.write(`followup: ${error.message}\n`);
      return 1;
    }
    const { name, message } = error as Error;
    const saved = existsSync(checkpointPath(resolve(file)))
      ? '; the rows done so far are saved: fix the cause and run the same command with --resume'
      : '';
    terminal.stderr.write(`followup: the import stopped: ${name}: ${message}${saved}\n`);
    return 2;
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
  terminal.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
  return summary.interrupted ? 130 : 0;
}
