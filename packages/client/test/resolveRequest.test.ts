import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StsCredsRequestOptions } from '../src/requestCredentials.ts';
import { resolveRequest } from '../src/resolveRequest.ts';

const CALLER = { accessKeyId: 'AKIACALLER0000000001', secretAccessKey: 'caller-secret' };
const base: StsCredsRequestOptions = {
  accountId: '222222222222',
  roleName: 'lambda_sts',
  sessionName: 'build-42',
  durationSeconds: 3600,
  policy: '{"Version":"2012-10-17","Statement":[]}',
  policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
  endpoint: 'http://127.0.0.1:1',
  audience: 'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds',
};
const keyOf = (options: StsCredsRequestOptions) => resolveRequest(options).cacheKey(CALLER);

const savedEnv = { ...process.env };
beforeEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  delete process.env.STSCREDS_AUDIENCE;
  process.env.AWS_CONFIG_FILE = '/nonexistent/stscreds-test-config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/stscreds-test-credentials';
});
afterEach(() => {
  process.env = { ...savedEnv };
});

describe('resolveRequest', () => {
  it('applies the defaults, and sends only the options that are set', () => {
    const resolved = resolveRequest({ accountId: '222222222222' });
    expect(() => resolved.audience()).toThrow("The broker's audience is unknown");
    expect(resolved.region).toBe('us-west-2');
    expect(resolved.functionName).toBe('getSTScreds');
    expect(resolved.stsRegion).toBe('us-west-2');
    expect(resolved.body).toEqual({ accountId: '222222222222' });
    expect(resolveRequest({ accountId: '222222222222', region: 'eu-west-1' }).stsRegion).toBe('eu-west-1');
    expect(resolveRequest({ ...base, policyArns: [] }).body).not.toHaveProperty('policyArns');
    const { endpoint: _endpoint, audience: _audience, ...fields } = base;
    expect(resolveRequest(base).body).toStrictEqual(fields);
  });

  it("signs proofs for the STS region's endpoint", async () => {
    expect(await resolveRequest({ ...base, stsRegion: 'eu-west-1' }).stsEndpoint()).toBe(
      'https://sts.eu-west-1.amazonaws.com',
    );
    expect(await resolveRequest({ ...base, region: 'eu-west-1' }).stsEndpoint()).toBe(
      'https://sts.eu-west-1.amazonaws.com',
    );
  });

  it('keys the same request by the same caller alike', async () => {
    expect(await keyOf({ ...base })).toBe(await keyOf(base));
  });

  it.each<[string, Partial<StsCredsRequestOptions>]>([
    ['the account', { accountId: '333333333333' }],
    ['the role', { roleName: 'deploy' }],
    ['the session name', { sessionName: 'build-43' }],
    ['the duration', { durationSeconds: 3599 }],
    ['the session policy', { policy: '{"Version":"2012-10-17","Statement":[{}]}' }],
    ['the policy ARNs', { policyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] }],
    ['no policy ARN', { policyArns: [] }],
    ['the function name', { functionName: 'otherBroker' }],
    ['the region', { region: 'eu-west-1' }],
    ['the STS region', { stsRegion: 'us-east-1' }],
    ['the audience', { audience: 'arn:aws:lambda:us-west-2:111111111111:function:other' }],
    ['the Lambda endpoint', { endpoint: 'http://127.0.0.1:2' }],
    ['no Lambda endpoint', { endpoint: undefined }],
    ['the Function URL', { functionUrl: 'https://abc.lambda-url.us-west-2.on.aws/' }],
  ])('keys apart two requests that differ only in %s', async (_element, change) => {
    expect(await keyOf({ ...base, ...change })).not.toBe(await keyOf(base));
  });

  it('keys apart requests through two injected Lambda clients, and alike through the same one', async () => {
    const one = new LambdaClient({ region: 'us-west-2', credentials: CALLER });
    const two = new LambdaClient({ region: 'us-west-2', credentials: CALLER });
    expect(await keyOf({ ...base, lambdaClient: one })).toBe(await keyOf({ ...base, lambdaClient: one }));
    expect(await keyOf({ ...base, lambdaClient: one })).not.toBe(await keyOf({ ...base, lambdaClient: two }));
    expect(await keyOf({ ...base, lambdaClient: one })).not.toBe(await keyOf(base));
  });

  it('keys on the STS endpoint the proof is signed for', async () => {
    const before = await keyOf(base);
    process.env.AWS_ENDPOINT_URL_STS = 'http://127.0.0.1:3';
    expect(await keyOf(base)).not.toBe(before);
    expect(await resolveRequest(base).stsEndpoint()).toBe('http://127.0.0.1:3');
  });

  it('keys a Function URL request on neither the audience nor the STS endpoint, which it never signs', async () => {
    const url = { ...base, functionUrl: 'https://abc.lambda-url.us-west-2.on.aws/' };
    const before = await keyOf(url);
    process.env.AWS_ENDPOINT_URL_STS = 'http://127.0.0.1:3';
    expect(await keyOf({ ...url, audience: 'another-audience' })).toBe(before);
  });
});
