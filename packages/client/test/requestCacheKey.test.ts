import { describe, expect, it } from 'vitest';
import { type RequestCacheKeyParts, requestCacheKey } from '../src/requestCacheKey.ts';

const parts: RequestCacheKeyParts = {
  caller: { accessKeyId: 'AKIACALLER0000000001', secretAccessKey: 'caller-secret' },
  lambdaEndpoint: 'https://lambda.us-west-2.amazonaws.com',
  functionName: 'getSTScreds',
  region: 'us-west-2',
  functionUrl: 'https://abc.lambda-url.us-west-2.on.aws/',
  audience: 'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds',
  stsRegion: 'us-west-2',
  stsEndpoint: 'https://sts.us-west-2.amazonaws.com',
  body: { accountId: '222222222222', roleName: 'lambda_sts' },
};

describe('requestCacheKey', () => {
  it('is the same for the same parts, and a SHA-256 in hex', () => {
    expect(requestCacheKey({ ...parts, body: { ...parts.body } })).toBe(requestCacheKey(parts));
    expect(requestCacheKey(parts)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, Partial<RequestCacheKeyParts>]>([
    ['the access key id', { caller: { ...parts.caller, accessKeyId: 'AKIACALLER0000000002' } }],
    ['the secret key', { caller: { ...parts.caller, secretAccessKey: 'another-secret' } }],
    ['the Lambda endpoint', { lambdaEndpoint: 'http://127.0.0.1:1' }],
    ['the function name', { functionName: 'otherBroker' }],
    ['the region', { region: 'eu-west-1' }],
    ['the Function URL', { functionUrl: 'https://xyz.lambda-url.us-west-2.on.aws/' }],
    ['the Function URL, set or not', { functionUrl: undefined }],
    ['the audience', { audience: 'arn:aws:lambda:us-west-2:111111111111:function:other' }],
    ['the STS region', { stsRegion: 'us-east-1' }],
    ['the STS endpoint', { stsEndpoint: 'https://sts.us-east-1.amazonaws.com' }],
    ['the STS endpoint, set or not', { stsEndpoint: undefined }],
    ['the account', { body: { ...parts.body, accountId: '333333333333' } }],
    ['the role', { body: { ...parts.body, roleName: 'deploy' } }],
    ['a session policy', { body: { ...parts.body, policy: '{}' } }],
  ])('differs when only %s differs', (_element, change) => {
    expect(requestCacheKey({ ...parts, ...change })).not.toBe(requestCacheKey(parts));
  });

  it('holds neither the secret key nor the body in clear', () => {
    const key = requestCacheKey(parts);
    expect(key).not.toContain('caller-secret');
    expect(key).not.toContain('222222222222');
  });
});
