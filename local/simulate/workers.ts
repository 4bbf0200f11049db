import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { UserError } from '../../functions/core/errors.ts';
import type { ShardInput, ShardOutput } from './shard.ts';
import type { Store } from './stores.ts';

/*
 * Shards on worker threads: each worker runs one shard on an engine of its own and posts its progress and output back.
 */

/**
 * Below this many leads a second engine costs more to start (a worker loading its modules, ~2 s) than it saves:
 * the local runtime runs ~5 leads a second, the memory engine well over 100.
 */
const LEADS_PER_WORKER: Readonly<Record<Store, number>> = { dynalite: 100, memory: 1000 };
const SHARD_MESSAGE = 'followup-simulate-shard';

/** Shards on as many cores as the run is worth: one runs in this thread, the others on workers. */
export function defaultWorkers(leads: number, store: Store): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(leads / LEADS_PER_WORKER[store])));
}

type ShardMessage =
  | { readonly kind: 'finished'; readonly finished: number }
  | { readonly kind: 'done'; readonly output: ShardOutput }
  | { readonly kind: 'failed'; readonly name: string; readonly message: string; readonly user: boolean };

/** Runs a shard on a worker thread of its own. */
function runShardInWorker(
  input: ShardInput,
  onFinished: (finished: number) => void,
): { readonly output: Promise<ShardOutput>; readonly stop: () => Promise<number> } {
  // The worker loads this TypeScript module through tsx, whatever started this process (tsx, vitest, node).
  const entry = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};
register();
await import(${JSON.stringify(import.meta.url)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(entry)}`), {
    workerData: { [SHARD_MESSAGE]: input },
    // The engine's logs are off; anything else a worker prints must not reach `--json` output.
    stdout: true,
  });
  worker.stdout.resume();
  const output = new Promise<ShardOutput>((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: ShardMessage) => {
      if (message.kind === 'finished') onFinished(message.finished);
      else if (message.kind === 'done') {
        settled = true;
        resolve(message.output);
        void worker.terminate();
      } else {
        settled = true;
        // A class does not cross a thread: a person's mistake is rebuilt as one, so the CLI prints it as one line.
        const error = message.user ? new UserError(message.message) : new Error(message.message);
        reject(Object.assign(error, { name: message.name }));
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`a simulation worker stopped with exit code ${code}`));
    });
  });
  return { output, stop: () => worker.terminate() };
}

/** Every shard's output, and `stop`; when one fails, the others are stopped rather than left running. */
export function runShardsInWorkers(
  inputs: readonly ShardInput[],
  onFinished: (shard: number) => (finished: number) => void,
): { readonly outputs: Promise<ShardOutput[]>; readonly stop: () => Promise<void> } {
  const runs = inputs.map((input, i) => runShardInWorker(input, onFinished(i)));
  const stop = async () => {
    await Promise.all(runs.map((run) => run.stop()));
  };
  const outputs = Promise.all(runs.map((run) => run.output)).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { outputs, stop };
}

/** In a worker started by runShardInWorker: runs its shard and posts what happened. */
function serveShard(input: ShardInput, port: NonNullable<typeof parentPort>): void {
  // The engine's modules are loaded here, not by the thread that only starts workers.
  import('./shard.ts')
    .then(({ runShard }) =>
      runShard(input, (finished) => port.postMessage({ kind: 'finished', finished } satisfies ShardMessage)),
    )
    .then(
      (output) => port.postMessage({ kind: 'done', output } satisfies ShardMessage),
      (error: Error) =>
        port.postMessage({
          kind: 'failed',
          name: error.name,
          message: error.message,
          user: error instanceof UserError,
        } satisfies ShardMessage),
    );
}

const shard = isMainThread ? undefined : (workerData as Record<string, ShardInput> | null)?.[SHARD_MESSAGE];
if (shard && parentPort) serveShard(shard, parentPort);
