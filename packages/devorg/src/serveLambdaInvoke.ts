import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { BodyTooLargeError, readBoundedBody } from './readBoundedBody.ts';

/** A function as Lambda runs it: a parsed JSON event and a context in, a JSON-serialisable result out. */
export type InvokableFunction = (event: unknown, context: Context) => Promise<unknown>;

export interface ServeLambdaInvokeOptions {
  readonly functionName: string;
  readonly region: string;
  readonly accountId: string;
  readonly handler: InvokableFunction;
  /** Default: 0, a free port. The server only ever binds 127.0.0.1. */
  readonly port?: number;
  /** Default: 30 s, reported by `context.getRemainingTimeInMillis()`. */
  readonly timeoutMs?: number;
}

export interface LambdaInvokeServer {
  /** `http://127.0.0.1:<port>`: give it to `LambdaClient` as `endpoint`. */
  readonly endpoint: string;
  readonly functionArn: string;
  /** How many times the function has been invoked so far. */
  invocations(): number;
  close(): Promise<void>;
}

/** Lambda's own limit on a synchronous invocation's payload. */
export const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  try {
    return await readBoundedBody(request, MAX_INVOKE_PAYLOAD_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    throw new ServiceError(
      413,
      'RequestTooLargeException',
      `Request must be smaller than ${MAX_INVOKE_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
    );
  }
};

const parseEvent = (body: Buffer): unknown => {
  // Lambda hands an empty payload to the function as an empty object.
  if (body.length === 0) return {};
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new ServiceError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
  }
};

const send = (
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(body);
};

/**
 * Serves a function on the Lambda Invoke REST API, on loopback, so that the real
 * `LambdaClient` and the AWS CLI can invoke it. It answers the way Lambda does: the
 * function's result with 200, an unhandled throw as `X-Amz-Function-Error: Unhandled`,
 * and service errors with `x-amzn-ErrorType` and a `{"Type","Message"}` body.
 *
 * It does not check the caller's signature or IAM permissions; it is a local stand-in.
 *
 * @example
 * const lambda = await serveLambdaInvoke({ functionName: 'getSTScreds', region: 'us-west-2',
 *   accountId: '111111111111', handler });
 * new LambdaClient({ endpoint: lambda.endpoint, region: 'us-west-2' });
 */
export async function serveLambdaInvoke(options: ServeLambdaInvokeOptions): Promise<LambdaInvokeServer> {
  const functionArn = `arn:aws:lambda:${options.region}:${options.accountId}:function:${options.functionName}`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const knownNames = new Set([options.functionName, functionArn]);

  const resolveFunction = (request: IncomingMessage): void => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = INVOKE_PATH.exec(url.pathname);
    if (!match?.[1]) {
      throw new ServiceError(
        404,
        'UnknownOperationException',
        `Unknown operation ${request.method} ${url.pathname}`,
      );
    }
    let name: string;
    try {
      name = decodeURIComponent(match[1]);
    } catch {
      throw new ServiceError(
        400,
        'InvalidParameterValueException',
        'The function name is not validly encoded',
      );
    }
    const qualifier = url.searchParams.get('Qualifier');
    const [bare, inlineQualifier] = name.startsWith('arn:')
      ? [name.replace(/:\$LATEST$/, ''), undefined]
      : name.split(':');
    const version = qualifier ?? inlineQualifier ?? '$LATEST';
    if (!bare || !knownNames.has(bare) || version !== '$LATEST') {
      throw new ServiceError(
        404,
        'ResourceNotFoundException',
        `Function not found: arn:aws:lambda:${options.region}:${options.accountId}:function:${name}`,
      );
    }
    if (request.method !== 'POST') {
      throw new ServiceError(405, 'MethodNotAllowedException', `${request.method} is not allowed here`);
    }
  };

  let invocations = 0;
  const invoke = async (
    event: unknown,
    requestId: string,
  ): Promise<{ headers: Record<string, string>; body: string }> => {
    invocations += 1;
    const deadline = Date.now() + timeoutMs;
    const context: Context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: options.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: functionArn,
      memoryLimitInMB: '256',
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${options.functionName}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    try {
      const result = await options.handler(event, context);
      return { headers: {}, body: JSON.stringify(result ?? null) };
    } catch (error) {
      // Lambda reports the type and message of an unhandled error; the stack stays out of the answer.
      const errorType = error instanceof Error ? error.name : typeof error;
      const errorMessage = error instanceof Error ? error.message : String(error);
      return {
        headers: { 'x-amz-function-error': 'Unhandled' },
        body: JSON.stringify({ errorType, errorMessage }),
      };
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const common = { 'x-amzn-requestid': requestId };
    try {
      resolveFunction(request);
      const event = parseEvent(await readBody(request));
      const invocationType = request.headers['x-amz-invocation-type'] ?? 'RequestResponse';
      if (invocationType === 'DryRun') return send(response, 204, common, '');
      if (invocationType === 'Event') {
        void invoke(event, requestId);
        return send(response, 202, common, '');
      }
      if (invocationType !== 'RequestResponse') {
        throw new ServiceError(
          400,
          'InvalidParameterValueException',
          `Unknown invocation type ${invocationType}`,
        );
      }
      const result = await invoke(event, requestId);
      send(response, 200, { ...common, 'x-amz-executed-version': '$LATEST', ...result.headers }, result.body);
    } catch (error) {
      const failure =
        error instanceof ServiceError
          ? error
          : new ServiceError(500, 'ServiceException', 'The local Lambda endpoint failed');
      const type = failure.status >= 500 ? 'Service' : 'User';
      // Past the payload limit the rest of the body is never read: answer, then hang up.
      const tooLarge = failure.status === 413;
      send(
        response,
        failure.status,
        { ...common, 'x-amzn-errortype': failure.type, ...(tooLarge && { connection: 'close' }) },
        JSON.stringify({ Type: type, Message: failure.message }),
      );
      if (tooLarge) response.on('finish', () => request.destroy());
    }
  };

  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    functionArn,
    invocations: () => invocations,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
