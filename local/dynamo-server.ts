import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { bodyOf, type InProcessHandler, inProcessHandler, lowerCased, pathOf } from './sdk-handler.ts';

/*
 * dynalite, the local DynamoDB (docs/architecture.md §7), on a thread of its own: its request handling and LevelDB
 * work are about a third of a signup's CPU, and on the main thread they would queue behind every other request.
 */

export interface DynamoServer {
  readonly url: string;
  /** For the runtime's own clients: requests to dynalite over the thread's port, without a socket. */
  readonly requestHandler: InProcessHandler;
  close(): Promise<void>;
}

const SETTINGS = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };

type WorkerMessage =
  | { readonly port: number }
  | { readonly error: string; readonly code?: string }
  | { readonly closed: true; readonly error?: string }
  | {
      readonly id: number;
      readonly statusCode: number;
      readonly headers: Record<string, string>;
      readonly body: string;
    };

/** dynalite on its thread, its table on disk at `path`, or in memory without one. */
export async function startDynamo(path: string | undefined): Promise<DynamoServer> {
  const module = createRequire(import.meta.url).resolve('dynalite');
  const worker = new Worker(new URL('./dynamo-thread.cjs', import.meta.url), {
    workerData: { module, path, settings: SETTINGS },
  });
  const pending = new Map<number, (answer: Extract<WorkerMessage, { id: number }>) => void>();
  let nextId = 0;
  let lifecycle: ((message: WorkerMessage) => void) | undefined;
  let failed: Error | undefined;
  const awaitLifecycle = () =>
    new Promise<WorkerMessage>((resolve, reject) => {
      if (failed) return reject(failed);
      lifecycle = resolve;
      worker.once('error', reject);
    });
  worker.on('message', (message: WorkerMessage) => {
    if ('id' in message) {
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    } else lifecycle?.(message);
  });
  worker.on('error', (error) => {
    failed = error;
  });
  const started = await awaitLifecycle();
  if (!('port' in started)) {
    await worker.terminate();
    const reason = 'error' in started ? started.error : 'no port';
    throw Object.assign(new Error(`dynalite could not start: ${reason}`), {
      code: 'code' in started ? started.code : undefined,
    });
  }
  const requestHandler = inProcessHandler((request) => {
    if (failed) return Promise.reject(failed);
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      worker.postMessage({
        id,
        method: request.method,
        path: pathOf(request),
        headers: lowerCased(request.headers),
        body: bodyOf(request.body),
      });
    });
  });
  return {
    url: `http://127.0.0.1:${started.port}`,
    requestHandler,
    async close() {
      const closed = awaitLifecycle();
      worker.postMessage('close');
      const answer = await closed.finally(() => worker.terminate());
      if ('error' in answer && answer.error)
        throw new Error(`dynalite did not close cleanly: ${answer.error}`);
    },
  };
}
