import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that passed through the proxy. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** The awsQuery `Action` of a form-encoded request, such as `AssumeRole`. */
  readonly action?: string;
}

export interface RecordingProxy {
  readonly endpoint: string;
  /** Every request so far, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** How many requests so far had this awsQuery action. */
  count(action: string): number;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy that forwards every request unchanged, keeping the Host header so
 * SigV4 signatures still verify, and records what passed. It lets a test see what really
 * reached moto.
 *
 * @example
 * const proxy = await startRecordingProxy(moto.endpoint);
 * // … point an SDK client at proxy.endpoint …
 * proxy.count('AssumeRole'); // 0
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const requests: RecordedRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? undefined;
      requests.push({
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        ...(action && { action }),
      });
      const proxied = forward(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      proxied.on('error', () => {
        outgoing.writeHead(502);
        outgoing.end();
      });
      proxied.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    count: (action) => requests.filter((r) => r.action === action).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
