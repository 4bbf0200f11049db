// dynalite on a thread of its own (local/dynamo-server.ts says why). Plain CommonJS, so it loads without a TypeScript
// loader in whatever runs the runtime: tsx, Vitest, the CLI.
//
// It listens on loopback for other processes (`followup report` reads the table of a running `npm start`), and
// answers the runtime's own requests over the worker's port: the same handler, without a socket on either side.
// Requests come in batches (one message per turn of the runtime's event loop) and answers go back the same way.
const { EventEmitter } = require('node:events');
const { dirname, join } = require('node:path');
const { parentPort, workerData } = require('node:worker_threads');

const TABLE_OPERATIONS = new Set(['CreateTable', 'DeleteTable', 'UpdateTable']);

// dynalite reads a table's description from LevelDB on every item request (another trip to the thread pool): an
// ACTIVE table's is kept here, and forgotten whenever a request may change a table (docs/architecture.md §7).
const stores = require(join(dirname(workerData.module), 'db'));
const tables = new Map();
/** Table requests in flight, and a count of every one begun or ended: a read that overlapped one is not kept. */
let changing = 0;
let generation = 0;
const createStore = stores.create;
stores.create = (options) => {
  const store = createStore(options);
  const getTable = store.getTable;
  store.getTable = (name, checkStatus, cb) => {
    const callback = typeof checkStatus === 'function' ? checkStatus : cb;
    const kept = tables.get(name);
    if (kept !== undefined) return callback(null, JSON.parse(kept));
    const readAt = generation;
    getTable(name, checkStatus, (error, table) => {
      if (!error && table?.TableStatus === 'ACTIVE' && changing === 0 && readAt === generation) {
        tables.set(name, JSON.stringify(table));
      }
      callback(error, table);
    });
  };
  return store;
};
const dynalite = require(workerData.module);

const server = dynalite({ ...workerData.settings, ...(workerData.path ? { path: workerData.path } : {}) });
const dynaliteHandler = server.listeners('request')[0];

/** dynalite's handler, with the kept descriptions forgotten around any request that may change a table. */
function handle(request, response) {
  const target = String(request.headers['x-amz-target'] ?? '');
  if (!TABLE_OPERATIONS.has(target.slice(target.lastIndexOf('.') + 1)))
    return dynaliteHandler(request, response);
  changing++;
  generation++;
  tables.clear();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    changing--;
    generation++;
    tables.clear();
  };
  response.once?.('finish', end);
  response.once?.('close', end);
  request.once('ended-in-thread', end);
  return dynaliteHandler(request, response);
}
server.removeAllListeners('request');
server.on('request', handle);

/** Answers not yet sent: they go back together once this turn's requests are all handled. */
let answers = [];
const flush = () => {
  const batch = answers;
  answers = [];
  parentPort.postMessage(batch);
};

/** One request as dynalite's handler reads it (headers, method, url, a body in data events) and what it answers. */
function serve({ id, method, path, headers, body }) {
  const request = Object.assign(new EventEmitter(), { method, url: path, headers });
  const answerHeaders = {};
  const chunks = [];
  const response = {
    statusCode: 200,
    setHeader(name, value) {
      answerHeaders[name.toLowerCase()] = String(value);
    },
    getHeader(name) {
      return answerHeaders[name.toLowerCase()];
    },
    write(chunk) {
      chunks.push(Buffer.from(chunk));
      return true;
    },
    end(chunk) {
      if (chunk !== undefined) chunks.push(Buffer.from(chunk));
      request.emit('ended-in-thread');
      if (answers.length === 0) setImmediate(flush);
      answers.push({
        id,
        statusCode: response.statusCode,
        headers: answerHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
      });
    },
  };
  handle(request, response);
  if (body) request.emit('data', Buffer.from(body, 'utf8'));
  request.emit('end');
}

server.once('error', (error) => parentPort.postMessage({ error: error.message, code: error.code }));
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message === 'close') {
    server.close((error) =>
      parentPort.postMessage({ closed: true, error: error ? error.message : undefined }),
    );
    return;
  }
  for (const request of message) serve(request);
});
