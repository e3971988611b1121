import { describe, expect, it } from 'vitest';
import { BrokerConfigError, readBrokerConfig } from '../src/readBrokerConfig.ts';

const POLICY = '{"version":1,"rules":[]}';
const base = { AWS_REGION: 'us-west-2', STSCREDS_ACCESS_POLICY: POLICY };

describe('readBrokerConfig', () => {
  it('reads the region, derives the partition and applies the defaults', () => {
    expect(readBrokerConfig(base)).toEqual({
      region: 'us-west-2',
      partition: 'aws',
      defaultRoleName: 'lambda_sts',
      audience: 'stscreds',
      extraStsOrigins: [],
      entry: 'invoke',
      policySource: { kind: 'inline', json: POLICY },
      cache: { maxEntries: 10_000, minRemainingMs: 900_000 },
    });
    expect(readBrokerConfig({ ...base, AWS_REGION: 'cn-north-1' }).partition).toBe('aws-cn');
    expect(readBrokerConfig({ ...base, AWS_REGION: 'us-gov-west-1' }).partition).toBe('aws-us-gov');
  });

  it('reads every setting', () => {
    const config = readBrokerConfig({
      AWS_REGION: 'eu-west-1',
      STSCREDS_DEFAULT_ROLE_NAME: 'broker_target',
      STSCREDS_AUDIENCE: 'arn:aws:lambda:eu-west-1:111111111111:function:getSTScreds',
      STSCREDS_EXTRA_STS_ORIGINS: 'http://127.0.0.1:5000, http://localhost:4566',
      STSCREDS_ENTRY: 'url',
      STSCREDS_ACCESS_POLICY_SSM_PARAMETER: '/stscreds/access-policy',
      STSCREDS_ACCESS_POLICY_MAX_AGE_SECONDS: '60',
    });
    expect(config).toMatchObject({
      defaultRoleName: 'broker_target',
      audience: 'arn:aws:lambda:eu-west-1:111111111111:function:getSTScreds',
      extraStsOrigins: ['http://127.0.0.1:5000', 'http://localhost:4566'],
      entry: 'url',
      policySource: { kind: 'ssm', name: '/stscreds/access-policy', maxAgeSeconds: 60 },
    });
    expect(
      readBrokerConfig({ AWS_REGION: 'us-west-2', STSCREDS_ACCESS_POLICY_FILE: '/opt/p.json' }).policySource,
    ).toEqual({
      kind: 'file',
      path: '/opt/p.json',
    });
  });

  it.each([
    ['no region', { STSCREDS_ACCESS_POLICY: POLICY }, /AWS_REGION/],
    ['a role name with a path', { ...base, STSCREDS_DEFAULT_ROLE_NAME: 'a/b' }, /STSCREDS_DEFAULT_ROLE_NAME/],
    [
      'an origin with a path',
      { ...base, STSCREDS_EXTRA_STS_ORIGINS: 'http://127.0.0.1:5000/x' },
      /STSCREDS_EXTRA_STS_ORIGINS/,
    ],
    ['an unknown entry', { ...base, STSCREDS_ENTRY: 'all' }, /STSCREDS_ENTRY/],
    [
      'both entries in one function',
      { ...base, STSCREDS_ENTRY: 'both' },
      /STSCREDS_ENTRY.*one function takes one entry/,
    ],
    ['no access policy', { AWS_REGION: 'us-west-2' }, /exactly one access policy/],
    ['two access policies', { ...base, STSCREDS_ACCESS_POLICY_FILE: '/p.json' }, /exactly one access policy/],
  ])('fails fast on %s, naming the variable', (_, env, message) => {
    expect(() => readBrokerConfig(env)).toThrow(BrokerConfigError);
    expect(() => readBrokerConfig(env)).toThrow(message);
  });
});
