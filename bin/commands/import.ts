import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UsageError, UserError } from '../../functions/core/errors.ts';
import { checkpointPath } from '../import/journal.ts';
import { formatSummary, progressReporter } from '../import/output.ts';
import { directTarget, httpTarget, type ImportTarget } from '../import/row-targets.ts';
import { type ImportSummary, runImport } from '../import/run.ts';
import type { Terminal } from '../output.ts';
import {
  awsEnrollment,
  dataFolderLabel,
  localDataDir,
  localEnrollment,
  onAws,
  PROJECT_ROOT,
  runtimeInUse,
  type TargetOptions,
} from '../targets.ts';

/*
 * `followup leads import FILE.csv --cadence ID` (docs/architecture.md §6). Where the rows go:
 *   - by default, the local runtime's data in .followup/, with the engine started in this process exactly as
 *     `npm start` starts it. Two engines must never share that folder (each would overwrite the other's
 *     executions), so when `npm start` runs the import refuses and names the --url that posts through it instead;
 *   - --url URL: POST /leads of a running engine (`npm start`, or the deployed API), the same validation and
 *     enrollment as a form post;
 *   - --aws (or FOLLOWUP_TARGET=aws): the deployed stack's table and state machines, with your AWS credentials.
 * bin/targets.ts finds the local runtime and the stack; bin/import/ runs the import.
 */

export interface ImportCliOptions extends TargetOptions {
  readonly cadence: string;
  readonly rate?: string;
  readonly resume?: boolean;
  readonly url?: string;
  readonly json?: boolean;
}

/** Rows a second into the deployed stack or a running engine's API when --rate is not given. */
export const DEFAULT_RATE = 20;

/** --rate as asked; undefined when not given (each target has its own default). */
export function parseRate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const rate = value.trim() === '' ? Number.NaN : Number(value);
  if (!(rate > 0) || !Number.isFinite(rate) || rate > 10_000) {
    throw new UsageError(
      `--rate must be a number of rows per second above 0, e.g. --rate 20 (got "${value}")`,
    );
  }
  return rate;
}

interface OpenTarget {
  readonly target: ImportTarget;
  /** Its pace without --rate: undefined for the engine in this process, which takes rows as fast as it can. */
  readonly defaultRate: number | undefined;
  close(): Promise<void>;
}

/** The cadence is one of cadences/: checked before anything starts. */
async function knownCadence(cadenceId: string): Promise<void> {
  const { loadCadencesSync } = await import('../../functions/adapters/cadence-files.ts');
  const ids = loadCadencesSync(join(PROJECT_ROOT, 'cadences')).map((c) => c.id);
  if (!ids.includes(cadenceId)) {
    throw new UsageError(`no cadence "${cadenceId}" in cadences/; use one of ${ids.join(', ')}`);
  }
}

async function openTarget(file: string, options: ImportCliOptions): Promise<OpenTarget> {
  const cadenceId = options.cadence;
  const origin = `import:${basename(file)}`;
  if (options.url && options.aws) throw new UsageError('--url and --aws name two targets; pick one');
  if (options.url) {
    if (!URL.canParse(options.url)) {
      throw new UsageError(`--url must be a URL, e.g. --url http://127.0.0.1:3000 (got "${options.url}")`);
    }
    return {
      target: httpTarget(options.url, { cadenceId, origin }),
      defaultRate: DEFAULT_RATE,
      close: async () => {},
    };
  }
  await knownCadence(cadenceId);
  if (onAws(options)) {
    const stack = await awsEnrollment(options, PROJECT_ROOT);
    const target = directTarget(stack.deps, {
      cadenceId,
      origin,
      clock: () => new Date(),
      description: stack.description,
    });
    return { target, defaultRate: DEFAULT_RATE, close: () => stack.close() };
  }
  const folder = dataFolderLabel(options);
  const dataDir = localDataDir(options);
  const running = await runtimeInUse(dataDir);
  if (running) {
    throw new UsageError(
      `Followup is running on ${folder} (npm start${running.url ? ` at ${running.url}` : ''}): stop it, or import through it with --url ${running.url ?? 'http://127.0.0.1:3000'}`,
    );
  }
  const engine = await localEnrollment(dataDir, { logLevel: options.json ? 'SILENT' : 'ERROR' });
  const target = directTarget(engine.deps, {
    cadenceId,
    origin,
    clock: engine.clock,
    description: `the local runtime, ${folder}`,
  });
  // Unpaced: the runtime shares this process, so its own speed is the limit and rows in flight are bounded instead.
  return { target, defaultRate: undefined, close: () => engine.close() };
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
    const { target, defaultRate, close } = await openTarget(file, options);
    const pace = rate ?? defaultRate;
    try {
      summary = await runImport({
        file,
        cadenceId: options.cadence,
        target,
        ...(pace !== undefined ? { rate: pace } : {}),
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
