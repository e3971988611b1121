import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from './seededRandom.ts';

/** One request that reached the proxy. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** The awsQuery `Action` of a form-encoded request, such as `AssumeRole`. */
  readonly action?: string;
  /** The fault injected into it, if any. */
  readonly fault?: Fault;
}

export type Fault = 'throttle' | 'status500' | 'status503' | 'reset' | 'truncate' | 'latency';

/** What to do to the requests that pass. Each `…Percent` is the share of matching requests it hits. */
export interface FaultPlan {
  /** Only requests with these awsQuery actions are touched. Default: every request. */
  readonly actions?: readonly string[];
  /** Answer 400 Throttling, as STS does when over its quota. */
  readonly throttlePercent?: number;
  readonly status500Percent?: number;
  readonly status503Percent?: number;
  /** Close the connection without an answer. */
  readonly resetPercent?: number;
  /** Forward, then cut the answer off halfway. */
  readonly truncatePercent?: number;
  /** Delay matching requests by this much before forwarding them. */
  readonly latencyMs?: number;
  /** Inject at most this many faults, then let everything through. Default: no limit. */
  readonly budget?: number;
  /** Seed of the draws, so that a run can be repeated. Default: 1. */
  readonly seed?: number;
}

export interface FaultProxy {
  readonly endpoint: string;
  /** Every request so far, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** How many requests so far had this awsQuery action. */
  count(action: string): number;
  /** Replaces the plan; `{}` lets everything through untouched. */
  setFaults(plan: FaultPlan): void;
  close(): Promise<void>;
}

const awsQueryError = (code: string, message: string, type: 'Sender' | 'Receiver'): string =>
  `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`;

/**
 * A loopback HTTP proxy in front of moto that records every request and injects the faults
 * a test asks for: throttling, 500 and 503 answers, latency, connection resets and truncated
 * bodies. It keeps the Host header, so SigV4 signatures still verify upstream.
 *
 * @example
 * const proxy = await startFaultProxy(moto.endpoint);
 * proxy.setFaults({ actions: ['AssumeRole'], throttlePercent: 100, budget: 2 });
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const requests: RecordedRequest[] = [];
  let plan: FaultPlan = {};
  let draw = seededRandom(1);
  let injected = 0;

  const choose = (action: string | undefined): Fault | undefined => {
    if (plan.actions && (!action || !plan.actions.includes(action))) return undefined;
    if (plan.budget !== undefined && injected >= plan.budget) return undefined;
    const roll = draw() * 100;
    let edge = 0;
    for (const [fault, percent] of [
      ['throttle', plan.throttlePercent],
      ['status500', plan.status500Percent],
      ['status503', plan.status503Percent],
      ['reset', plan.resetPercent],
      ['truncate', plan.truncatePercent],
    ] as const) {
      edge += percent ?? 0;
      if (roll < edge) return fault;
    }
    return plan.latencyMs ? 'latency' : undefined;
  };

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? undefined;
      const fault = choose(action);
      if (fault) injected += 1;
      requests.push({
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        ...(action && { action }),
        ...(fault && { fault }),
      });
      const reply = (status: number, xml: string): void => {
        outgoing.writeHead(status, { 'content-type': 'text/xml' });
        outgoing.end(xml);
      };
      switch (fault) {
        case 'throttle':
          return reply(400, awsQueryError('Throttling', 'Rate exceeded', 'Sender'));
        case 'status500':
          return reply(500, awsQueryError('InternalFailure', 'injected', 'Receiver'));
        case 'status503':
          return reply(503, awsQueryError('ServiceUnavailable', 'injected', 'Receiver'));
        case 'reset':
          incoming.socket.destroy();
          return;
      }
      const send = (): void => {
        const proxied = forward(
          {
            hostname: upstream.hostname,
            port: upstream.port,
            method: incoming.method,
            path: incoming.url,
            headers: incoming.headers,
          },
          (answer) => {
            if (fault === 'truncate') {
              const parts: Buffer[] = [];
              answer.on('data', (part: Buffer) => parts.push(part));
              answer.on('end', () => {
                const whole = Buffer.concat(parts);
                outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
                outgoing.write(whole.subarray(0, Math.floor(whole.length / 2)));
                outgoing.socket?.destroy();
              });
              return;
            }
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(outgoing);
          },
        );
        proxied.on('error', () => {
          outgoing.writeHead(502);
          outgoing.end();
        });
        proxied.end(body);
      };
      if (plan.latencyMs && fault) setTimeout(send, plan.latencyMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    count: (action) => requests.filter((r) => r.action === action).length,
    setFaults: (next) => {
      plan = next;
      draw = seededRandom(next.seed ?? 1);
      injected = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
