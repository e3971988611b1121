import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Context } from 'aws-lambda';
import { BodyTooLargeError, readBoundedBody } from './readBoundedBody.ts';
import type { DevUser } from './seedOrganization.ts';
import { MAX_INVOKE_PAYLOAD_BYTES } from './serveLambdaInvoke.ts';

export interface ServeFunctionUrlOptions {
  readonly region: string;
  /** The identities whose signatures it can check, as the local stand-in for IAM. */
  readonly users: readonly DevUser[];
  /** The function, called with Function URL events as Lambda builds them for AWS_IAM auth. */
  readonly handler: (event: unknown, context: Pick<Context, 'awsRequestId'>) => Promise<unknown>;
  /** The clock that signatures must be fresh by, in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

export interface FunctionUrlServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  close(): Promise<void>;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)\/(\d{8})\/([a-z0-9-]+)\/lambda\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** How far SigV4 lets a signature's date stray from the clock, either way. */
const SIGNATURE_WINDOW_MS = 5 * 60_000;

/** A request Lambda would refuse before the function runs. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const FORBIDDEN = new Refusal(403, 'Forbidden');

const amzDateOf = (ms: number): string => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');

/** SigV4's own answers to a date outside the window. */
const checkFreshness = (date: Date, now: number): void => {
  const signed = amzDateOf(date.getTime());
  if (date.getTime() < now - SIGNATURE_WINDOW_MS) {
    throw new Refusal(
      403,
      `Signature expired: ${signed} is now earlier than ${amzDateOf(now - SIGNATURE_WINDOW_MS)} (${amzDateOf(now)} - 5 min.)`,
    );
  }
  if (date.getTime() > now + SIGNATURE_WINDOW_MS) {
    throw new Refusal(
      403,
      `Signature not yet current: ${signed} is still later than ${amzDateOf(now + SIGNATURE_WINDOW_MS)} (${amzDateOf(now)} + 5 min.)`,
    );
  }
};

const signedAt = (amzDate: string): Date | undefined => {
  const parts = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  return parts
    ? new Date(`${parts[1]}-${parts[2]}-${parts[3]}T${parts[4]}:${parts[5]}:${parts[6]}Z`)
    : undefined;
};

/**
 * Serves a function on a local Function URL with `AWS_IAM` auth, checking what Lambda
 * checks before the function runs. The body may be at most Lambda's 6 MB: past that the
 * answer is 413 and nothing more is read. The SigV4 signature for the `lambda` service must
 * sign `host` and `x-amz-date`, be dated within 5 minutes of the clock, and match the
 * request signed again with the caller's secret over the hash of the body as received (a
 * claimed `x-amz-content-sha256` that differs is refused). Any of these fails as Lambda
 * fails it, 403. The function then gets the event Lambda would build, with
 * `requestContext.authorizer.iam` naming the verified caller.
 *
 * @example
 * const url = await serveFunctionUrl({ region: 'us-west-2', users: seeded.callers, handler });
 */
export async function serveFunctionUrl(options: ServeFunctionUrlOptions): Promise<FunctionUrlServer> {
  const now = options.now ?? Date.now;
  const verify = async (request: IncomingMessage, body: Buffer): Promise<DevUser> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? AUTHORIZATION.exec(header) : null;
    const amzDate = request.headers['x-amz-date'];
    const user = options.users.find((u) => u.credentials.accessKeyId === match?.[1]);
    const date = typeof amzDate === 'string' ? signedAt(amzDate) : undefined;
    if (!match || !user || !date || match[3] !== options.region) throw FORBIDDEN;
    const [, , scopeDate, , signedList = '', signature = ''] = match;
    const signedNames = signedList.split(';');
    if (!signedNames.includes('host') || !signedNames.includes('x-amz-date')) throw FORBIDDEN;
    if (scopeDate !== String(amzDate).slice(0, 8)) throw FORBIDDEN;
    checkFreshness(date, now());
    const bodyHash = createHash('sha256').update(body).digest('hex');
    const claimedHash = request.headers['x-amz-content-sha256'];
    if (claimedHash !== undefined && claimedHash !== bodyHash) throw FORBIDDEN;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const headers: Record<string, string> = {};
    for (const name of signedNames) {
      const value = request.headers[name];
      if (typeof value !== 'string') throw FORBIDDEN;
      headers[name] = value;
    }
    const signer = new SignatureV4({
      credentials: user.credentials,
      region: options.region,
      service: 'lambda',
      sha256: Sha256,
    });
    const again = await signer.sign(
      new HttpRequest({
        method: request.method ?? 'GET',
        protocol: 'http:',
        hostname: headers.host?.split(':')[0] ?? 'localhost',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        body,
      }),
      { signingDate: date },
    );
    const expected = /Signature=([0-9a-f]{64})/.exec(String(again.headers.authorization))?.[1] ?? '';
    if (
      expected.length !== signature.length ||
      !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
    ) {
      throw FORBIDDEN;
    }
    return user;
  };

  const server = createServer(async (request, response) => {
    const send = (status: number, headers: Record<string, string>, body: string): void => {
      response.writeHead(status, headers);
      response.end(body);
    };
    let body: Buffer;
    let caller: DevUser;
    try {
      body = await readBoundedBody(request, MAX_INVOKE_PAYLOAD_BYTES);
      caller = await verify(request, body);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        // Answer, then hang up: draining the rest would read what Lambda never reads.
        response.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
        response.end(JSON.stringify({ Message: error.message }), () => request.destroy());
        return;
      }
      const refusal = error instanceof Refusal ? error : FORBIDDEN;
      return send(
        refusal.status,
        { 'content-type': 'application/json' },
        JSON.stringify({ Message: refusal.message }),
      );
    }
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const accountId = /^arn:aws:iam::([0-9]{12}):/.exec(caller.arn)?.[1] ?? '';
      const requestId = crypto.randomUUID();
      const event = {
        version: '2.0',
        routeKey: '$default',
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers: Object.fromEntries(
          Object.entries(request.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
        ),
        body: body.toString('utf8'),
        isBase64Encoded: false,
        requestContext: {
          accountId: 'anonymous',
          apiId: 'local',
          domainName: request.headers.host ?? 'localhost',
          domainPrefix: 'local',
          http: {
            method: request.method ?? 'GET',
            path: url.pathname,
            protocol: 'HTTP/1.1',
            sourceIp: '127.0.0.1',
            userAgent: request.headers['user-agent'] ?? '',
          },
          requestId,
          routeKey: '$default',
          stage: '$default',
          time: new Date(now()).toISOString(),
          timeEpoch: now(),
          authorizer: {
            iam: {
              accessKey: caller.credentials.accessKeyId,
              accountId,
              callerId: caller.name,
              cognitoIdentity: null,
              principalOrgId: null,
              userArn: caller.arn,
              userId: caller.name,
            },
          },
        },
      };
      const result = (await options.handler(event, { awsRequestId: requestId })) as {
        statusCode?: number;
        headers?: Record<string, string>;
        body?: string;
      };
      send(result.statusCode ?? 200, result.headers ?? {}, result.body ?? '');
    } catch {
      send(502, { 'content-type': 'application/json' }, '{"Message":"Internal Server Error"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
