// dynalite on a thread of its own (local/dynamo-server.ts says why). Plain CommonJS, so it loads without a TypeScript
// loader in whatever runs the runtime: tsx, Vitest, the CLI.
//
// It listens on loopback for other processes (`followup report` reads the table of a running `npm start`), and
// answers the runtime's own requests over the worker's port: the same handler, without a socket on either side.
const { EventEmitter } = require('node:events');
const { parentPort, workerData } = require('node:worker_threads');
const dynalite = require(workerData.module);

const server = dynalite({ ...workerData.settings, ...(workerData.path ? { path: workerData.path } : {}) });
const handle = server.listeners('request')[0];

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
      parentPort.postMessage({
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
  serve(message);
});
