import { InvokeCommand, LambdaClient, LambdaServiceException } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  StsCredsAccessDeniedError,
  StsCredsError,
  StsCredsInternalError,
  StsCredsThrottledError,
  StsCredsUpstreamError,
  StsCredsValidationError,
} from '../src/errors.ts';
import { clearStsCredsCache, type FromStsCredsOptions, fromStsCreds } from '../src/fromStsCreds.ts';

const lambdaMock = mockClient(LambdaClient);
const CALLER = { accessKeyId: 'AKIACALLER0000000001', secretAccessKey: 'caller-secret' };

let now = Date.parse('2026-11-28T12:00:00Z');
let issued = 0;

const answer = (lifetimeMs: number) => {
  issued += 1;
  return {
    Version: 1,
    AccessKeyId: `ASIAISSUED${String(issued).padStart(10, '0')}`,
    SecretAccessKey: `secret-${issued}`,
    SessionToken: `token-${issued}`,
    Expiration: new Date(Date.now() + lifetimeMs).toISOString(),
    AccountId: '222222222222',
    AssumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/alice',
  };
};

const respond = (body: unknown, extra: object = {}) => ({
  StatusCode: 200,
  Payload: new TextEncoder().encode(JSON.stringify(body)) as never,
  ...extra,
});

const LAMBDA = new LambdaClient({ region: 'us-west-2', credentials: CALLER });

const provider = (options: Partial<FromStsCredsOptions> = {}) =>
  fromStsCreds({
    accountId: '222222222222',
    credentials: CALLER,
    audience: 'aud',
    lambdaClient: LAMBDA,
    ...options,
  });

const savedEnv = { ...process.env };
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now);
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  delete process.env.STSCREDS_AUDIENCE;
  process.env.AWS_CONFIG_FILE = '/nonexistent/stscreds-test-config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/stscreds-test-credentials';
  process.env.AWS_ENDPOINT_URL_STS = 'https://sts.us-west-2.amazonaws.com';
});
afterEach(() => {
  vi.useRealTimers();
  lambdaMock.reset();
  clearStsCredsCache();
  process.env = { ...savedEnv };
  issued = 0;
  now = Date.parse('2026-11-28T12:00:00Z');
});

const invokes = () => lambdaMock.commandCalls(InvokeCommand).length;
const sentRequest = (index = 0) =>
  JSON.parse(
    new TextDecoder().decode(
      lambdaMock.commandCalls(InvokeCommand)[index]?.args[0].input.Payload as Uint8Array,
    ),
  );

describe('fromStsCreds', () => {
  it('sends the request with a signed identity proof and carries Expiration through', async () => {
    lambdaMock.on(InvokeCommand).callsFake(async () => respond(answer(3600_000)));
    const credentials = await provider({
      roleName: 'deploy',
      durationSeconds: 900,
      policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    })();
    expect(credentials).toEqual({
      accessKeyId: 'ASIAISSUED0000000001',
      secretAccessKey: 'secret-1',
      sessionToken: 'token-1',
      expiration: new Date(now + 3600_000),
      accountId: '222222222222',
    });
    const request = sentRequest();
    expect(request).toMatchObject({
      accountId: '222222222222',
      roleName: 'deploy',
      durationSeconds: 900,
      policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      identity: {
        url: 'https://sts.us-west-2.amazonaws.com/',
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      },
    });
    expect(request.identity.headers['x-stscreds-audience']).toBe('aud');
    expect(request.identity.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIACALLER0000000001\//,
    );
    expect(JSON.stringify(request)).not.toContain('caller-secret');
  });

  it('makes one invoke for 1,000 concurrent calls', async () => {
    lambdaMock.on(InvokeCommand).callsFake(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return respond(answer(3600_000));
    });
    const get = provider();
    const all = await Promise.all(Array.from({ length: 1000 }, () => get()));
    expect(invokes()).toBe(1);
    expect(new Set(all.map((c) => c.accessKeyId)).size).toBe(1);
  });

  it('serves from memory until five minutes before Expiration, then refreshes', async () => {
    lambdaMock.on(InvokeCommand).callsFake(async () => respond(answer(3600_000)));
    const get = provider();
    await get();
    vi.setSystemTime(now + 54 * 60_000);
    expect((await get()).accessKeyId).toBe('ASIAISSUED0000000001');
    vi.setSystemTime(now + 55 * 60_000 + 1);
    expect((await get()).accessKeyId).toBe('ASIAISSUED0000000002');
    expect(invokes()).toBe(2);
  });

  it('honours a configured refresh margin and forceRefresh', async () => {
    lambdaMock.on(InvokeCommand).callsFake(async () => respond(answer(3600_000)));
    const get = provider({ refreshAheadMs: 15 * 60_000 });
    await get();
    vi.setSystemTime(now + 46 * 60_000);
    expect((await get()).accessKeyId).toBe('ASIAISSUED0000000002');
    expect((await get({ forceRefresh: true })).accessKeyId).toBe('ASIAISSUED0000000003');
  });

  it('never hands out credentials that have expired', async () => {
    lambdaMock.on(InvokeCommand).callsFake(async () => respond(answer(60_000)));
    const get = provider();
    const first = await get();
    const second = await get();
    expect(first.accessKeyId).not.toBe(second.accessKeyId);
  });

  it.each([
    ['ValidationError', StsCredsValidationError],
    ['AccessDenied', StsCredsAccessDeniedError],
    ['Throttled', StsCredsThrottledError],
    ['UpstreamError', StsCredsUpstreamError],
    ['InternalError', StsCredsInternalError],
  ] as const)('throws %s answers as their typed error, with the request id', async (code, kind) => {
    lambdaMock
      .on(InvokeCommand)
      .resolves(respond({ error: { code, message: 'because', requestId: 'req-7' } }));
    const attempt = provider()();
    await expect(attempt).rejects.toThrow(kind);
    await expect(attempt).rejects.toMatchObject({ code, message: 'because', requestId: 'req-7' });
  });

  it('maps a function error, a Lambda error and a broken answer to typed errors, keeping the cause', async () => {
    lambdaMock.on(InvokeCommand).resolves(respond({ errorType: 'Error' }, { FunctionError: 'Unhandled' }));
    await expect(provider()()).rejects.toThrow(StsCredsInternalError);
    lambdaMock.reset();
    const denied = new LambdaServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'no',
    });
    lambdaMock.on(InvokeCommand).rejects(denied);
    await expect(provider()()).rejects.toMatchObject({ code: 'AccessDenied', cause: denied });
    lambdaMock.reset();
    lambdaMock.on(InvokeCommand).resolves(respond({ Version: 1, AccessKeyId: 'x' }));
    await expect(provider()()).rejects.toThrow(/outside contract v1/);
    lambdaMock.reset();
    lambdaMock
      .on(InvokeCommand)
      .rejects(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await expect(provider()()).rejects.toThrow(StsCredsUpstreamError);
    await expect(provider()()).rejects.toBeInstanceOf(StsCredsError);
  });

  it('rides out a broker outage on the credentials it holds, retrying with backoff until they expire', async () => {
    lambdaMock
      .on(InvokeCommand)
      .resolvesOnce(respond(answer(3600_000)))
      .rejects(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const get = provider({ retryBaseMs: 10_000, retryMaxMs: 10_000 });
    await get();
    vi.setSystemTime(now + 56 * 60_000);
    expect((await get()).accessKeyId).toBe('ASIAISSUED0000000001');
    expect(invokes()).toBe(2);
    expect((await get()).accessKeyId).toBe('ASIAISSUED0000000001');
    expect(invokes()).toBe(2);
    vi.setSystemTime(now + 56 * 60_000 + 10_000);
    expect((await get()).accessKeyId).toBe('ASIAISSUED0000000001');
    expect(invokes()).toBe(3);
    vi.setSystemTime(now + 60 * 60_000);
    await expect(get()).rejects.toThrow(StsCredsUpstreamError);
  });

  it('retries after a failure instead of remembering it', async () => {
    lambdaMock
      .on(InvokeCommand)
      .rejectsOnce(new Error('boom'))
      .callsFake(async () => respond(answer(3600_000)));
    const get = provider();
    await expect(get()).rejects.toThrow(StsCredsUpstreamError);
    expect((await get()).accessKeyId).toBe('ASIAISSUED0000000001');
  });
});
