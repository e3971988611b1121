import { connect } from 'node:net';

/** What a server made of a request sent byte by byte. */
export interface RawExchange {
  /** The status line and headers the server sent back, if it answered before hanging up. */
  readonly head: string | undefined;
  /** Body bytes this client got written out before the server stopped taking them. */
  readonly bodyBytesWritten: number;
  /** What ended the exchange: a whole response head, or the server closing or resetting the connection. */
  readonly ended: 'answered' | 'closed' | 'reset';
}

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/**
 * Sends a POST over a bare socket, so that a test sees what an HTTP client hides: whether the
 * server answered before the body was sent, and how much of the body it let through. The body
 * is `bodyBytes` of `a`, sent chunked when `chunked`, else after a `content-length` that is
 * `declaredLength` (default `bodyBytes`). Writing waits for the socket to drain, so a server
 * that stops reading stops the writer.
 */
export function rawPost(
  port: number,
  path: string,
  options: { bodyBytes: number; chunked?: boolean; declaredLength?: number },
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let written = 0;
    let settled = false;
    const finish = (ended: RawExchange['ended']) => {
      if (settled) return;
      settled = true;
      const end = received.indexOf('\r\n\r\n');
      resolve({ head: end >= 0 ? received.slice(0, end) : undefined, bodyBytesWritten: written, ended });
      socket.destroy();
    };
    socket.on('data', (data) => {
      received += data.toString('latin1');
      if (received.includes('\r\n\r\n')) finish('answered');
    });
    socket.on('error', () => finish('reset'));
    socket.on('close', () => finish('closed'));
    const framing = options.chunked
      ? 'transfer-encoding: chunked'
      : `content-length: ${options.declaredLength ?? options.bodyBytes}`;
    socket.write(
      `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\n${framing}\r\n\r\n`,
    );
    const pump = () => {
      while (!settled && written < options.bodyBytes) {
        const size = Math.min(CHUNK.length, options.bodyBytes - written);
        const piece = CHUNK.subarray(0, size);
        const frame = options.chunked
          ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
          : piece;
        written += size;
        if (!socket.write(frame)) return void socket.once('drain', pump);
      }
      if (!settled && options.chunked && written >= options.bodyBytes) socket.write('0\r\n\r\n');
    };
    pump();
  });
}
