import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request body past the limit: answer 413 at once (see `closeAfterAnswer`), the rest is never read. */
export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
  constructor(readonly limit: number) {
    super(`the body is over ${formatBytes(limit)}; send less`);
  }
}

export const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${Math.floor(bytes / 1024)} KB`;

/**
 * Reads a request body of at most `limit` bytes as UTF-8. A declared Content-Length over the limit is refused
 * before reading anything; a body that passes the limit while streaming stops being read there, so a huge upload
 * is neither buffered nor read to its end.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.pause();
      reject(new BodyTooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        req.pause();
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** With the rest of the body unread, the connection cannot carry another request: close it after this answer. */
export function closeAfterAnswer(res: ServerResponse): void {
  res.setHeader('connection', 'close');
}
