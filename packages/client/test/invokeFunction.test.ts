import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StandardRetryStrategy } from '@smithy/core/retry';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { invokeFunction, LambdaInvokeError } from '../src/invokeFunction.ts';
import { postFunctionUrl } from '../src/postFunctionUrl.ts';
import { invokeFailure, readBrokerAnswer } from '../src/readBrokerAnswer.ts';

const CALLER = {
  accessKeyId: 'AKIACALLER0000000001',
  secretAccessKey: 'caller-secret-never-sent',
  sessionToken: 'caller-session-token',
};

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

type Answer = { status: number; headers?: Record<string, string | string[]>; body: string | Buffer };

/** A Lambda Invoke endpoint on loopback that answers from a script, and records what it was sent. */
let server: Server;
let endpoint: string;
let seen: Seen[] = [];
let script: Answer[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = script.shift() ?? { status: 200, body: '{}' };
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));
beforeEach(() => {
  seen = [];
  script = [];
});

/** The SDK's standard strategy without its waits: the tests count attempts, not seconds. */
const noWait = (maxAttempts = 3) =>
  new StandardRetryStrategy({
    maxAttempts,
    backoff: { computeNextBackoffDelay: () => 0, setDelayBase: () => {} },
  } as never);

const invoke = (functionName = 'getSTScreds', retryStrategy = noWait(), at = endpoint) =>
  invokeFunction({
    endpoint: at,
    region: 'us-west-2',
    functionName,
    payload: '{"accountId":"prod"}',
    credentials: CALLER,
    retryStrategy,
  });

describe('invokeFunction', () => {
  it('sends the Invoke API request, signed with SigV4 for lambda in the region, the token carried and the secret never', async () => {
    script = [{ status: 200, body: '{"ok":true}' }];
    const output = await invoke();
    expect(new TextDecoder().decode(output.Payload)).toBe('{"ok":true}');
    expect(output.FunctionError).toBeUndefined();
    const [request] = seen;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/2015-03-31/functions/getSTScreds/invocations');
    expect(request?.body).toBe('{"accountId":"prod"}');
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIACALLER0000000001\/\d{8}\/us-west-2\/lambda\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(request?.headers['x-amz-security-token']).toBe(CALLER.sessionToken);
    expect(JSON.stringify(request)).not.toContain(CALLER.secretAccessKey);
  });

  it('encodes a function ARN as one path label, as the SDK does', async () => {
    await invoke('arn:aws:lambda:us-west-2:111111111111:function:getSTScreds');
    expect(seen[0]?.url).toBe(
      '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-west-2%3A111111111111%3Afunction%3AgetSTScreds/invocations',
    );
  });

  it.each([
    ['a slash', '../../other', '/2015-03-31/functions/..%2F..%2Fother/invocations'],
    ['a query', 'getSTScreds?Qualifier=1', '/2015-03-31/functions/getSTScreds%3FQualifier%3D1/invocations'],
    ["the SDK's extra reserved characters", "f!'()*", '/2015-03-31/functions/f%21%27%28%29%2A/invocations'],
  ])('keeps a function name with %s inside its path label', async (_, name, path) => {
    await invoke(name);
    expect(seen[0]?.url).toBe(path);
  });

  it('keeps the path of an endpoint that has one', async () => {
    await invokeFunction({
      endpoint: `${endpoint}/prefix/`,
      region: 'us-west-2',
      functionName: 'getSTScreds',
      payload: '{}',
      credentials: CALLER,
    });
    expect(seen[0]?.url).toBe('/prefix/2015-03-31/functions/getSTScreds/invocations');
  });

  it.each([
    ['no scheme, which URL reads as a scheme of its own', () => 'localhost:4566'],
    ['a scheme other than http or https', () => endpoint.replace('http:', 'ftp:')],
    ['no URL at all', () => 'lambda.us-west-2.amazonaws.com'],
  ])('sends nothing to an endpoint with %s, and names it as a mistake', async (_, given) => {
    const error = await invoke('getSTScreds', noWait(), given()).catch((e: unknown) => e);
    const failure = invokeFailure(error, 'getSTScreds', given());
    expect(failure.name).toBe('StsCredsValidationError');
    expect(failure.message).toBe(`the Lambda endpoint ${given()} is not an http or https URL`);
    expect(seen).toEqual([]);
  });

  it("reports the function's own failure as FunctionError", async () => {
    script = [
      { status: 200, headers: { 'x-amz-function-error': 'Unhandled' }, body: '{"errorType":"Error"}' },
    ];
    expect((await invoke()).FunctionError).toBe('Unhandled');
  });

  it.each([
    [
      'the x-amzn-errortype header',
      { 'x-amzn-errortype': 'ResourceNotFoundException:http://internal.amazon.com/coral/' },
      '{"Type":"User","message":"Function not found"}',
      'ResourceNotFoundException',
    ],
    [
      "the body's __type",
      {},
      '{"__type":"aws.lambda#InvalidParameterValueException","message":"no"}',
      'InvalidParameterValueException',
    ],
    ["the body's code", {}, '{"code":"KMSAccessDeniedException"}', 'KMSAccessDeniedException'],
    [
      'an x-amzn-errortype header sent twice',
      { 'x-amzn-errortype': ['ResourceNotFoundException', 'ResourceNotFoundException'] },
      '{}',
      'ResourceNotFoundException',
    ],
    [
      "the body's Code, in another case",
      {},
      '{"Code":"KMSAccessDeniedException"}',
      'KMSAccessDeniedException',
    ],
    ["the body's numeric code", {}, '{"code":42}', '42'],
    ['nothing but the status', {}, '<html>teapot</html>', 'HTTP418'],
  ])('names a service error from %s, as the SDK does', async (_, headers, body, name) => {
    script = [{ status: name === 'HTTP418' ? 418 : 400, headers, body }];
    const error = await invoke().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LambdaInvokeError);
    expect((error as LambdaInvokeError).name).toBe(name);
    expect((error as LambdaInvokeError).$metadata.httpStatusCode).toBe(name === 'HTTP418' ? 418 : 400);
    expect(seen).toHaveLength(1);
  });

  it('retries throttling and transient answers, up to three attempts', async () => {
    script = [
      { status: 429, headers: { 'x-amzn-errortype': 'TooManyRequestsException' }, body: '{}' },
      { status: 503, body: '{}' },
      { status: 200, body: '{"ok":1}' },
    ];
    expect(new TextDecoder().decode((await invoke()).Payload)).toBe('{"ok":1}');
    expect(seen).toHaveLength(3);
  });

  it.each([
    [
      'an x-amzn-errortype header sent twice',
      { 'x-amzn-errortype': ['ThrottlingException', 'ThrottlingException'] },
      '{}',
    ],
    ["the body's Code", {}, '{"Code":"ThrottlingException"}'],
  ])('retries throttling that %s names, as the SDK does', async (_, headers, body) => {
    script = [
      { status: 400, headers, body },
      { status: 200, body: '{"ok":1}' },
    ];
    expect(new TextDecoder().decode((await invoke()).Payload)).toBe('{"ok":1}');
    expect(seen).toHaveLength(2);
  });

  it('gives up after the third attempt with the last error', async () => {
    script = Array.from({ length: 5 }, () => ({
      status: 429,
      headers: { 'x-amzn-errortype': 'TooManyRequestsException' },
      body: '{}',
    }));
    const error = await invoke().catch((e: unknown) => e);
    expect((error as Error).name).toBe('TooManyRequestsException');
    expect(seen).toHaveLength(3);
    expect(invokeFailure(error, 'getSTScreds', endpoint).name).toBe('StsCredsThrottledError');
  });

  it('never retries a caller mistake or a refusal', async () => {
    script = [{ status: 403, headers: { 'x-amzn-errortype': 'AccessDeniedException' }, body: '{}' }];
    const error = await invoke().catch((e: unknown) => e);
    expect(invokeFailure(error, 'getSTScreds', endpoint).name).toBe('StsCredsAccessDeniedError');
    expect(seen).toHaveLength(1);
  });

  it('spends the retry quota it is given, as one client does across its calls', async () => {
    const strategy = noWait(3);
    const before = strategy.getCapacity();
    script = [
      { status: 503, body: '{}' },
      { status: 200, body: '{}' },
    ];
    await invoke('getSTScreds', strategy);
    // A retried success gives back what its retry cost.
    expect(strategy.getCapacity()).toBe(before);
    script = [
      { status: 503, body: '{}' },
      { status: 503, body: '{}' },
      { status: 503, body: '{}' },
    ];
    await invoke('getSTScreds', strategy).catch(() => undefined);
    expect(strategy.getCapacity()).toBeLessThan(before);
  });

  it('refuses an answer larger than a Lambda payload, without holding it', async () => {
    script = [{ status: 200, body: Buffer.alloc(7 * 1024 * 1024, 0x61) }];
    const error = await invoke().catch((e: unknown) => e);
    expect((error as Error).name).toBe('ResponseTooLargeError');
    expect(invokeFailure(error, 'getSTScreds', endpoint).name).toBe('StsCredsInternalError');
  });

  it('names an endpoint that cannot be reached, after retrying it', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const nowhere = `http://127.0.0.1:${port}`;
    const error = await invoke('getSTScreds', noWait(), nowhere).catch((e: unknown) => e);
    const failure = invokeFailure(error, 'getSTScreds', nowhere);
    expect(failure.name).toBe('StsCredsUpstreamError');
    expect(failure.message).toBe(`getSTScreds could not be reached at ${nowhere}`);
  });
});

describe("the broker's answer, as bytes", () => {
  const answer = (sessionToken: Buffer) =>
    Buffer.concat([
      Buffer.from(
        '{"Version":1,"AccessKeyId":"ASIAISSUED0000000001","SecretAccessKey":"issued-secret","SessionToken":"',
      ),
      sessionToken,
      Buffer.from(
        '","Expiration":"2030-01-01T00:00:00.000Z","AccountId":"222222222222","AssumedRoleArn":"arn:aws:sts::222222222222:assumed-role/lambda_sts/alice"}',
      ),
    ]);

  it('reads an answer in UTF-8', async () => {
    script = [{ status: 200, body: answer(Buffer.from('tok€n')) }];
    expect(readBrokerAnswer(await invoke(), 'getSTScreds')).toMatchObject({ SessionToken: 'tok€n' });
  });

  it('refuses an answer that is not UTF-8 as outside contract v1, rather than credentials with replaced bytes', async () => {
    script = [{ status: 200, body: answer(Buffer.from([0x74, 0x6f, 0x6b, 0xff, 0x6e])) }];
    const output = await invoke();
    expect(() => readBrokerAnswer(output, 'getSTScreds')).toThrow(/answered outside contract v1/);
  });

  it("refuses a Function URL's answer that is not UTF-8 as outside contract v1", async () => {
    script = [{ status: 200, body: answer(Buffer.from([0x74, 0x6f, 0x6b, 0xff, 0x6e])) }];
    const error = await postFunctionUrl(
      { accountId: 'prod' },
      { url: endpoint, credentials: CALLER, region: 'us-west-2' },
    ).catch((e: unknown) => e);
    expect((error as Error).name).toBe('StsCredsInternalError');
    expect(seen[0]?.url).toBe('/v1/credentials');
  });

  it('sends nothing to a Function URL that is not http or https', async () => {
    const error = await postFunctionUrl(
      { accountId: 'prod' },
      { url: endpoint.replace('http:', 'ftp:'), credentials: CALLER, region: 'us-west-2' },
    ).catch((e: unknown) => e);
    expect((error as Error).name).toBe('StsCredsValidationError');
    expect((error as Error).message).toBe(
      `the Function URL ${endpoint.replace('http:', 'ftp:')} is not an http or https URL`,
    );
    expect(seen).toEqual([]);
  });
});
