import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { buildIdentityProof } from '@stscreds/client';
import type { LambdaFunctionURLEventWithIAMAuthorizer } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandler } from '../src/createHandler.ts';
import type { FunctionUrlResult } from '../src/http/toFunctionUrlResult.ts';
import { loadAccessPolicy } from '../src/policy/loadAccessPolicy.ts';
import { type BrokerEntry, readBrokerConfig } from '../src/readBrokerConfig.ts';
import { ALICE, alicePolicy, captureOutput, context, testConfig, verboseLogger } from './support.ts';

const stsMock = mockClient(STSClient);
afterEach(() => stsMock.reset());

const issue = () =>
  stsMock.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIAEXAMPLE00001',
      SecretAccessKey: 's',
      SessionToken: 't',
      Expiration: new Date(Date.now() + 3600_000),
    },
    AssumedRoleUser: {
      Arn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/alice',
      AssumedRoleId: 'AROA:alice',
    },
  });

const handler = (entry: BrokerEntry) => {
  const config = testConfig({ entry });
  return createHandler({
    config,
    sts: new STSClient({ region: 'us-west-2' }),
    logger: verboseLogger(),
    loadPolicy: loadAccessPolicy(config.policySource),
  });
};

const urlEvent = (
  overrides: {
    method?: string;
    path?: string;
    body?: string;
    base64?: boolean;
    userArn?: string | null;
  } = {},
): LambdaFunctionURLEventWithIAMAuthorizer => {
  const body = overrides.body ?? '{"accountId":"prod"}';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: overrides.path ?? '/v1/credentials',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: overrides.base64 ?? false,
    body: overrides.base64 ? Buffer.from(body).toString('base64') : body,
    requestContext: {
      accountId: '111111111111',
      apiId: 'abc',
      domainName: 'abc.lambda-url.us-west-2.on.aws',
      domainPrefix: 'abc',
      http: {
        method: overrides.method ?? 'POST',
        path: overrides.path ?? '/v1/credentials',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
      authorizer: {
        iam: {
          accessKey: 'AKIA',
          accountId: '111111111111',
          callerId: 'AIDA',
          cognitoIdentity: null,
          principalOrgId: 'o-example',
          userArn: overrides.userArn === null ? '' : (overrides.userArn ?? ALICE),
          userId: 'AIDA',
        },
      },
    },
  };
};

const call = async (entry: BrokerEntry, event: unknown) =>
  (await captureOutput(() => handler(entry)(event, context('req-9')))).result as FunctionUrlResult & {
    body: string;
  };

describe('createHandler on the Function URL', () => {
  it('issues to the AWS_IAM signer, with no-store and status 200', async () => {
    issue();
    const result = await call('url', urlEvent());
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({ 'cache-control': 'no-store', 'content-type': 'application/json' });
    expect(JSON.parse(result.body)).toMatchObject({ Version: 1, AccountId: '222222222222' });
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]?.args[0].input.SourceIdentity).toBe(
      'aws,iam,,111111111111,user+alice',
    );
  });

  it("gives STS Lambda's remaining time as a deadline, as on the invoke path", async () => {
    const signals: (AbortSignal | undefined)[] = [];
    // An STS that never answers, but gives up when the broker's deadline aborts it.
    const hanging = {
      send: (_command: unknown, options: { abortSignal?: AbortSignal } = {}) => {
        signals.push(options.abortSignal);
        return new Promise((_resolve, reject) => {
          options.abortSignal?.addEventListener('abort', () =>
            reject(Object.assign(new Error('aborted'), { name: 'TimeoutError' })),
          );
        });
      },
    } as unknown as STSClient;
    const config = testConfig({ entry: 'url' });
    const run = createHandler({
      config,
      sts: hanging,
      logger: verboseLogger(),
      loadPolicy: loadAccessPolicy(config.policySource),
    });
    const { result } = await captureOutput(() =>
      run(urlEvent(), { ...context(), getRemainingTimeInMillis: () => 600 }),
    );
    expect(signals).toHaveLength(1);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    expect(JSON.parse((result as FunctionUrlResult).body)).toMatchObject({
      error: { code: 'UpstreamError', message: 'STS did not answer in time' },
    });
  });

  it('reads a base64 body', async () => {
    issue();
    expect((await call('url', urlEvent({ base64: true }))).statusCode).toBe(200);
  });

  it.each([
    ['another caller', urlEvent({ userArn: 'arn:aws:iam::111111111111:user/mallory' }), 403],
    ['no AWS_IAM signer', urlEvent({ userArn: null }), 403],
    ['a body that is not JSON', urlEvent({ body: '{accountId' }), 400],
    [
      'an identity proof',
      urlEvent({ body: '{"accountId":"prod","identity":{"url":"","headers":{},"body":""}}' }),
      400,
    ],
    ['another path', urlEvent({ path: '/v1/other' }), 404],
    ['another method', urlEvent({ method: 'GET' }), 405],
    [
      'an oversized body',
      urlEvent({ body: `{"accountId":"prod","sessionName":"${'x'.repeat(70_000)}"}` }),
      400,
    ],
  ])('answers %s with its status, no-store and a contract error', async (_, event, status) => {
    const result = await call('url', event);
    expect(result.statusCode).toBe(status);
    expect(result.headers?.['cache-control']).toBe('no-store');
    expect(JSON.parse(result.body)).toEqual({
      error: {
        code: status === 403 ? 'AccessDenied' : 'ValidationError',
        message: expect.any(String),
        requestId: 'req-9',
      },
    });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('maps throttling to 429 with Retry-After', async () => {
    stsMock
      .on(AssumeRoleCommand)
      .rejects(
        Object.assign(new Error('slow down'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }),
      );
    const result = await call('url', urlEvent());
    expect(result.statusCode).toBe(429);
    expect(result.headers?.['retry-after']).toMatch(/^\d+$/);
  });
});

describe('createHandler entries', () => {
  it('treats a Function URL-shaped payload as a malformed request when the broker takes invokes only', async () => {
    const result = await call('invoke', urlEvent());
    expect(result).toMatchObject({ error: { code: 'ValidationError' } });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('refuses direct invokes when the broker takes its Function URL only', async () => {
    const result = await call('url', { accountId: 'prod' });
    expect(result).toMatchObject({
      error: { code: 'ValidationError', message: expect.stringMatching(/Function URL only/) },
    });
  });
});

describe('createHandler for a URL function configured without an audience', () => {
  /** An HTTP handler for the STS client that counts what would have gone to STS, and sends nothing. */
  class Unreachable extends NodeHttpHandler {
    calls = 0;
    override async handle(): Promise<never> {
      this.calls += 1;
      throw new Error('no STS in this test');
    }
  }

  /** The URL function as deployed: its configuration read from an environment with no audience. */
  const urlFunction = () => {
    const config = readBrokerConfig({
      AWS_REGION: 'us-west-2',
      STSCREDS_ENTRY: 'url',
      STSCREDS_BROKER_ACCOUNT_ID: '111111111111',
      STSCREDS_ACCESS_POLICY: alicePolicy(),
    });
    expect(config).not.toHaveProperty('audience');
    const network = new Unreachable();
    const run = createHandler({
      config,
      sts: new STSClient({ region: 'us-west-2', requestHandler: network }),
      logger: verboseLogger(),
      loadPolicy: loadAccessPolicy(config.policySource),
    });
    const call = async (event: unknown) =>
      (await captureOutput(() => run(event, context('req-9')))).result as FunctionUrlResult & {
        body: string;
      };
    return { call, network };
  };

  it('issues to the AWS_IAM signer of a Function URL request', async () => {
    issue();
    const { call, network } = urlFunction();
    const result = await call(urlEvent());
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ Version: 1, AccountId: '222222222222' });
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]?.args[0].input.SourceIdentity).toBe(
      'aws,iam,,111111111111,user+alice',
    );
    expect(network.calls).toBe(0);
  });

  it('answers a Function URL request that carries an identity proof 400, checking nothing', async () => {
    const { call, network } = urlFunction();
    const result = await call(
      urlEvent({ body: '{"accountId":"prod","identity":{"url":"","headers":{},"body":""}}' }),
    );
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({ error: { code: 'ValidationError' } });
    expect(network.calls).toBe(0);
  });

  it.each<[string, () => Promise<unknown>]>([
    ['a direct invoke', async () => ({ accountId: 'prod' })],
    [
      'a direct invoke with a signed identity proof',
      async () => {
        const request = { accountId: 'prod' };
        const identity = await buildIdentityProof({
          credentials: { accessKeyId: 'AKIAEXAMPLEEXAMPLE00', secretAccessKey: 'secret' },
          audience: 'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds-url',
          request,
        });
        return { ...request, identity };
      },
    ],
    ['a URL-shaped event of the wrong version', async () => ({ ...urlEvent(), version: '1.0' })],
    ['no event', async () => null],
    ['a string', async () => '{"accountId":"prod"}'],
  ])('refuses %s, with no STS call and no proof checked', async (_, event) => {
    issue();
    const { call, network } = urlFunction();
    expect(await call(await event())).toMatchObject({
      error: { code: 'ValidationError', message: expect.stringMatching(/Function URL only/) },
    });
    expect(network.calls).toBe(0);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });
});
