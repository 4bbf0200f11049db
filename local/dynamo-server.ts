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
  | readonly Answer[];

interface Answer {
  readonly id: number;
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

interface Request {
  readonly id: number;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** dynalite on its thread, its table on disk at `path`, or in memory without one. */
export async function startDynamo(path: string | undefined): Promise<DynamoServer> {
  const module = createRequire(import.meta.url).resolve('dynalite');
  const worker = new Worker(new URL('./dynamo-thread.cjs', import.meta.url), {
    workerData: { module, path, settings: SETTINGS },
  });
  const pending = new Map<number, { resolve: (answer: Answer) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let lifecycle: { resolve: (message: WorkerMessage) => void; reject: (error: Error) => void } | undefined;
  /** Once the thread has died, every call fails at once, naming why: none waits for an answer that cannot come. */
  let failed: Error | undefined;
  const fail = (error: Error) => {
    if (!failed)
      process.stderr.write(`followup: ${error.message}; restart the runtime (its data is on disk)\n`);
    failed ??= error;
    for (const { reject } of pending.values()) reject(failed);
    pending.clear();
    lifecycle?.reject(failed);
  };
  const awaitLifecycle = () =>
    new Promise<WorkerMessage>((resolve, reject) => {
      if (failed) return reject(failed);
      lifecycle = { resolve, reject };
    });
  worker.on('message', (message: WorkerMessage) => {
    if (!Array.isArray(message)) return lifecycle?.resolve(message);
    for (const answer of message) {
      pending.get(answer.id)?.resolve(answer);
      pending.delete(answer.id);
    }
  });
  worker.on('error', (error) =>
    fail(new Error(`the local DynamoDB failed: ${error.message}`, { cause: error })),
  );
  worker.on('exit', (code) => fail(new Error(`the local DynamoDB stopped (exit code ${code})`)));
  const started = await awaitLifecycle();
  if (!('port' in started)) {
    await worker.terminate();
    const reason = 'error' in started ? started.error : 'no port';
    throw Object.assign(new Error(`dynalite could not start: ${reason}`), {
      code: 'code' in started ? started.code : undefined,
    });
  }
  // The requests of one turn of the event loop cross to the thread as one message: a signup's and an import's
  // concurrent requests share the hop, and the thread answers them the same way.
  let outgoing: Request[] = [];
  const send = () => {
    const batch = outgoing;
    outgoing = [];
    if (!failed) worker.postMessage(batch);
  };
  const requestHandler = inProcessHandler((request) => {
    if (failed) return Promise.reject(failed);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      if (outgoing.length === 0) setImmediate(send);
      outgoing.push({
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
      if (failed) return;
      const closed = awaitLifecycle();
      worker.postMessage('close');
      const answer = await closed;
      failed = new Error('the local DynamoDB is closed');
      await worker.terminate();
      if ('error' in answer && answer.error)
        throw new Error(`dynalite did not close cleanly: ${answer.error}`);
    },
  };
}
