import { describe, expect, it } from 'vitest';
import type { AssumeRoleInput } from '../../src/assumeRole.ts';
import { credentialCacheKey } from '../../src/cache/credentialCacheKey.ts';
import { type Caller, toCaller } from '../../src/identity/caller.ts';

const alice = toCaller('arn:aws:iam::111111111111:user/alice', '111111111111', 'identity-proof') as Caller;
const bob = toCaller('arn:aws:iam::111111111111:user/bob', '111111111111', 'identity-proof') as Caller;
const input: AssumeRoleInput = {
  partition: 'aws',
  accountId: '222222222222',
  roleName: 'lambda_sts',
  sessionName: 'alice',
  durationSeconds: 3600,
  policy: '{"Version":"2012-10-17","Statement":[]}',
  policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
};

describe('credentialCacheKey', () => {
  it('is the same for the same caller and input', () => {
    expect(credentialCacheKey(alice, { ...input })).toBe(credentialCacheKey(alice, input));
  });

  it.each<[string, Caller | undefined, Partial<AssumeRoleInput>]>([
    ['the caller', bob, {}],
    ['an unverified caller', undefined, {}],
    ['the account', alice, { accountId: '333333333333' }],
    ['the role', alice, { roleName: 'deploy' }],
    ['the session name', alice, { sessionName: 'build-42' }],
    ['the duration', alice, { durationSeconds: 3599 }],
    ['the inline policy', alice, { policy: '{"Version":"2012-10-17","Statement":[{}]}' }],
    ['no inline policy', alice, { policy: undefined }],
    ['the policy ARNs', alice, { policyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] }],
    [
      'one more policy ARN',
      alice,
      { policyArns: [...(input.policyArns ?? []), 'arn:aws:iam::aws:policy/X'] },
    ],
    ['no policy ARN', alice, { policyArns: [] }],
  ])('differs when only %s differs', (_element, caller, change) => {
    expect(credentialCacheKey(caller, { ...input, ...change })).not.toBe(credentialCacheKey(alice, input));
  });

  it('cannot be confused by a value that smuggles a separator', () => {
    const a = credentialCacheKey(alice, { ...input, roleName: 'a","b', sessionName: 'c' });
    const b = credentialCacheKey(alice, { ...input, roleName: 'a', sessionName: 'b","c' });
    expect(a).not.toBe(b);
  });

  it('keeps no session policy in clear', () => {
    expect(credentialCacheKey(alice, input)).not.toContain('Statement');
  });
});
