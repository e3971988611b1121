import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Context } from 'aws-lambda';
import type { DevUser } from './seedOrganization.ts';

export interface ServeFunctionUrlOptions {
  readonly region: string;
  /** The identities whose signatures it can check, as the local stand-in for IAM. */
  readonly users: readonly DevUser[];
  /** The function, called with Function URL events as Lambda builds them for AWS_IAM auth. */
  readonly handler: (event: unknown, context: Pick<Context, 'awsRequestId'>) => Promise<unknown>;
}

export interface FunctionUrlServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  close(): Promise<void>;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)\/(\d{8})\/([a-z0-9-]+)\/lambda\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

const signedAt = (amzDate: string): Date | undefined => {
  const parts = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  return parts
    ? new Date(`${parts[1]}-${parts[2]}-${parts[3]}T${parts[4]}:${parts[5]}:${parts[6]}Z`)
    : undefined;
};

/**
 * Serves a function on a local Function URL with `AWS_IAM` auth: it checks each request's
 * SigV4 signature for the `lambda` service by signing the same request again with the
 * caller's secret, answers 403 as Lambda does when it does not match, and hands the function
 * the event Lambda would, with `requestContext.authorizer.iam` naming the verified caller.
 *
 * @example
 * const url = await serveFunctionUrl({ region: 'us-west-2', users: seeded.callers, handler });
 */
export async function serveFunctionUrl(options: ServeFunctionUrlOptions): Promise<FunctionUrlServer> {
  const verify = async (request: IncomingMessage, body: string): Promise<DevUser | undefined> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? AUTHORIZATION.exec(header) : null;
    const amzDate = request.headers['x-amz-date'];
    const user = options.users.find((u) => u.credentials.accessKeyId === match?.[1]);
    const date = typeof amzDate === 'string' ? signedAt(amzDate) : undefined;
    if (!match || !user || !date || match[3] !== options.region) return undefined;
    const [, , , , signedList = '', signature = ''] = match;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const headers: Record<string, string> = {};
    for (const name of signedList.split(';')) {
      const value = request.headers[name];
      if (typeof value !== 'string') return undefined;
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
    return expected.length === signature.length &&
      timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
      ? user
      : undefined;
  };

  const server = createServer(async (request, response) => {
    const send = (status: number, headers: Record<string, string>, body: string): void => {
      response.writeHead(status, headers);
      response.end(body);
    };
    try {
      const body = await readBody(request);
      const caller = await verify(request, body);
      if (!caller) return send(403, { 'content-type': 'application/json' }, '{"Message":"Forbidden"}');
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
        body,
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
          time: new Date().toISOString(),
          timeEpoch: Date.now(),
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
