import { describe, expect, it } from 'vitest';
import { BrokerConfigError, readBrokerConfig } from '../src/readBrokerConfig.ts';

const POLICY = '{"version":1,"rules":[]}';
const AUDIENCE = 'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds';
const base = { AWS_REGION: 'us-west-2', STSCREDS_AUDIENCE: AUDIENCE, STSCREDS_ACCESS_POLICY: POLICY };

describe('readBrokerConfig', () => {
  it('reads the region, derives the partition and applies the defaults', () => {
    expect(readBrokerConfig(base)).toEqual({
      region: 'us-west-2',
      partition: 'aws',
      proofPartitions: ['aws'],
      defaultRoleName: 'lambda_sts',
      audience: AUDIENCE,
      extraStsOrigins: [],
      entry: 'invoke',
      policySource: { kind: 'inline', json: POLICY },
      cache: { maxEntries: 10_000, minRemainingMs: 900_000 },
    });
    expect(readBrokerConfig({ ...base, AWS_REGION: 'cn-north-1' })).toMatchObject({
      partition: 'aws-cn',
      proofPartitions: ['aws-cn'],
    });
    expect(readBrokerConfig({ ...base, AWS_REGION: 'us-gov-west-1' })).toMatchObject({
      partition: 'aws-us-gov',
      proofPartitions: ['aws-us-gov'],
    });
  });

  it("reads the broker's own account, and leaves it unknown when unset", () => {
    expect(readBrokerConfig({ ...base, STSCREDS_BROKER_ACCOUNT_ID: '111111111111' }).accountId).toBe(
      '111111111111',
    );
    expect(readBrokerConfig(base)).not.toHaveProperty('accountId');
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
      STSCREDS_PROOF_PARTITIONS: 'aws, aws-cn',
      STSCREDS_CACHE_MAX_ENTRIES: '1',
      STSCREDS_CACHE_MIN_REMAINING_SECONDS: '0',
    });
    expect(config).toMatchObject({
      defaultRoleName: 'broker_target',
      audience: 'arn:aws:lambda:eu-west-1:111111111111:function:getSTScreds',
      extraStsOrigins: ['http://127.0.0.1:5000', 'http://localhost:4566'],
      entry: 'url',
      policySource: { kind: 'ssm', name: '/stscreds/access-policy', maxAgeSeconds: 60 },
      proofPartitions: ['aws', 'aws-cn'],
      cache: { maxEntries: 1, minRemainingMs: 0 },
    });
    expect(
      readBrokerConfig({
        AWS_REGION: 'us-west-2',
        STSCREDS_AUDIENCE: AUDIENCE,
        STSCREDS_ACCESS_POLICY_FILE: '/opt/p.json',
      }).policySource,
    ).toEqual({
      kind: 'file',
      path: '/opt/p.json',
    });
  });

  it('reads a URL entry without an audience: Lambda names its callers, and it checks no proof', () => {
    const url = { AWS_REGION: 'us-west-2', STSCREDS_ENTRY: 'url', STSCREDS_ACCESS_POLICY: POLICY };
    expect(readBrokerConfig(url)).toEqual({
      region: 'us-west-2',
      partition: 'aws',
      proofPartitions: ['aws'],
      defaultRoleName: 'lambda_sts',
      extraStsOrigins: [],
      entry: 'url',
      policySource: { kind: 'inline', json: POLICY },
      cache: { maxEntries: 10_000, minRemainingMs: 900_000 },
    });
    // Set, it is harmless: read and checked like any other variable.
    expect(readBrokerConfig({ ...url, STSCREDS_AUDIENCE: AUDIENCE })).toMatchObject({
      entry: 'url',
      audience: AUDIENCE,
    });
    expect(() => readBrokerConfig({ ...url, STSCREDS_AUDIENCE: 'a b' })).toThrow(
      /STSCREDS_AUDIENCE must be 1-256 printable/,
    );
  });

  it.each([
    ['no region', { STSCREDS_AUDIENCE: AUDIENCE, STSCREDS_ACCESS_POLICY: POLICY }, /AWS_REGION/],
    [
      'no audience: a default would be shared by every deployment',
      { AWS_REGION: 'us-west-2', STSCREDS_ACCESS_POLICY: POLICY },
      /STSCREDS_AUDIENCE must be set to a value unique to this deployment/,
    ],
    [
      'no audience for an entry that is named invoke',
      { AWS_REGION: 'us-west-2', STSCREDS_ENTRY: 'invoke', STSCREDS_ACCESS_POLICY: POLICY },
      /STSCREDS_AUDIENCE must be set to a value unique to this deployment/,
    ],
    [
      'no audience for an entry that is misspelt: it is no URL entry',
      { AWS_REGION: 'us-west-2', STSCREDS_ENTRY: 'URL', STSCREDS_ACCESS_POLICY: POLICY },
      /STSCREDS_ENTRY must be invoke or url.*STSCREDS_AUDIENCE must be set/,
    ],
    ['an empty audience', { ...base, STSCREDS_AUDIENCE: '' }, /STSCREDS_AUDIENCE must be 1-256 printable/],
    ['an audience with a space', { ...base, STSCREDS_AUDIENCE: 'a b' }, /STSCREDS_AUDIENCE/],
    ['an audience of 257 characters', { ...base, STSCREDS_AUDIENCE: 'a'.repeat(257) }, /STSCREDS_AUDIENCE/],
    [
      'a cache of no entries',
      { ...base, STSCREDS_CACHE_MAX_ENTRIES: '0' },
      /STSCREDS_CACHE_MAX_ENTRIES must be at least 1/,
    ],
    [
      'an empty cache size',
      { ...base, STSCREDS_CACHE_MAX_ENTRIES: '' },
      /STSCREDS_CACHE_MAX_ENTRIES must be a whole number/,
    ],
    ['a cache size in hex', { ...base, STSCREDS_CACHE_MAX_ENTRIES: '0x10' }, /STSCREDS_CACHE_MAX_ENTRIES/],
    [
      'a cache size with an exponent',
      { ...base, STSCREDS_CACHE_MAX_ENTRIES: '1e3' },
      /STSCREDS_CACHE_MAX_ENTRIES/,
    ],
    ['a negative cache size', { ...base, STSCREDS_CACHE_MAX_ENTRIES: '-1' }, /STSCREDS_CACHE_MAX_ENTRIES/],
    ['a fractional cache size', { ...base, STSCREDS_CACHE_MAX_ENTRIES: '1.5' }, /STSCREDS_CACHE_MAX_ENTRIES/],
    [
      'a cache past its bound',
      { ...base, STSCREDS_CACHE_MAX_ENTRIES: '1000001' },
      /STSCREDS_CACHE_MAX_ENTRIES must be at most/,
    ],
    [
      'a margin past the longest credentials',
      { ...base, STSCREDS_CACHE_MIN_REMAINING_SECONDS: '3601' },
      /STSCREDS_CACHE_MIN_REMAINING_SECONDS must be at most 3600/,
    ],
    [
      'a policy age past a day',
      { ...base, STSCREDS_ACCESS_POLICY_MAX_AGE_SECONDS: '86401' },
      /STSCREDS_ACCESS_POLICY_MAX_AGE_SECONDS/,
    ],
    [
      'an unknown partition',
      { ...base, STSCREDS_PROOF_PARTITIONS: 'aws,aws-iso' },
      /STSCREDS_PROOF_PARTITIONS/,
    ],
    ['no partition', { ...base, STSCREDS_PROOF_PARTITIONS: ' , ' }, /STSCREDS_PROOF_PARTITIONS/],
    ['a region in capitals', { ...base, AWS_REGION: 'US-WEST-2' }, /AWS_REGION/],
    ['a role name with a path', { ...base, STSCREDS_DEFAULT_ROLE_NAME: 'a/b' }, /STSCREDS_DEFAULT_ROLE_NAME/],
    [
      'an origin with a path',
      { ...base, STSCREDS_EXTRA_STS_ORIGINS: 'http://127.0.0.1:5000/x' },
      /STSCREDS_EXTRA_STS_ORIGINS/,
    ],
    ['an unknown entry', { ...base, STSCREDS_ENTRY: 'all' }, /STSCREDS_ENTRY/],
    [
      'a broker account of 11 digits',
      { ...base, STSCREDS_BROKER_ACCOUNT_ID: '11111111111' },
      /STSCREDS_BROKER_ACCOUNT_ID/,
    ],
    [
      'a broker account alias',
      { ...base, STSCREDS_BROKER_ACCOUNT_ID: 'a111111111111' },
      /STSCREDS_BROKER_ACCOUNT_ID/,
    ],
    [
      'both entries in one function',
      { ...base, STSCREDS_ENTRY: 'both' },
      /STSCREDS_ENTRY.*one function takes one entry/,
    ],
    [
      'no access policy',
      { AWS_REGION: 'us-west-2', STSCREDS_AUDIENCE: AUDIENCE },
      /exactly one access policy/,
    ],
    ['two access policies', { ...base, STSCREDS_ACCESS_POLICY_FILE: '/p.json' }, /exactly one access policy/],
  ])('fails fast on %s, naming the variable', (_, env: NodeJS.ProcessEnv, message) => {
    expect(() => readBrokerConfig(env)).toThrow(BrokerConfigError);
    expect(() => readBrokerConfig(env)).toThrow(message);
  });

  it('takes each partition by name', () => {
    expect(
      readBrokerConfig({ ...base, STSCREDS_PROOF_PARTITIONS: 'aws-us-gov,aws-cn,aws' }).proofPartitions,
    ).toEqual(['aws-us-gov', 'aws-cn', 'aws']);
  });

  it('accepts each bound exactly', () => {
    expect(readBrokerConfig({ ...base, STSCREDS_CACHE_MAX_ENTRIES: '1000000' }).cache.maxEntries).toBe(
      1_000_000,
    );
    expect(
      readBrokerConfig({ ...base, STSCREDS_CACHE_MIN_REMAINING_SECONDS: '3600' }).cache.minRemainingMs,
    ).toBe(3_600_000);
    expect(readBrokerConfig({ ...base, STSCREDS_AUDIENCE: 'a'.repeat(256) }).audience).toHaveLength(256);
  });
});
