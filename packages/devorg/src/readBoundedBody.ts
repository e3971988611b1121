import type { IncomingMessage } from 'node:http';

/** A request body went past the limit. Nothing past the limit was read. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  readonly code = 'BodyTooLarge';
  constructor(readonly limit: number) {
    super(`Request must be smaller than ${limit} bytes`);
  }
}

/**
 * Reads a request body of at most `limit` bytes, as Lambda does: a declared
 * `content-length` past the limit is refused before any byte is read, and a body that grows
 * past it is refused as soon as it does. Reading then stops; the caller answers and closes
 * the connection rather than drain the rest.
 *
 * @throws {BodyTooLargeError} past the limit.
 * @example
 * const body = await readBoundedBody(request, 6 * 1024 * 1024);
 */
export function readBoundedBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const stop = () => {
      request.pause();
      request.removeAllListeners('data');
      reject(new BodyTooLargeError(limit));
    };
    if (Number(request.headers['content-length'] ?? 0) > limit) return stop();
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return stop();
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
