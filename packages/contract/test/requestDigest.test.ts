import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BoundRequestFields, canonicalRequest } from '../src/canonicalRequest.ts';
import { requestDigest } from '../src/requestDigest.ts';

/** The worked example of docs/identity-proof.md. */
const EXAMPLE: BoundRequestFields = {
  accountId: '222222222222',
  roleName: 'lambda_sts',
  sessionName: 'build-42',
  durationSeconds: 1800,
  policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}',
  policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
};

describe('canonicalRequest', () => {
  it('writes the worked example as the docs show it', () => {
    expect(canonicalRequest(EXAMPLE)).toBe(
      [
        'stscreds-request-v1',
        'accountId=222222222222',
        'durationSeconds=1800',
        'policy=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGet%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D',
        'policyArns=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess',
        'roleName=lambda_sts',
        'sessionName=build-42',
      ].join('\n'),
    );
  });

  it('writes only the fields present, and no line for empty policyArns', () => {
    expect(canonicalRequest({ accountId: 'prod' })).toBe('stscreds-request-v1\naccountId=prod');
    expect(canonicalRequest({ accountId: 'prod', policyArns: [] })).toBe(
      'stscreds-request-v1\naccountId=prod',
    );
  });

  it('encodes as SigV4 does: unreserved kept, UTF-8 bytes as upper-case %XX', () => {
    expect(canonicalRequest({ accountId: "a-_.~ !*'()é\n€" })).toBe(
      'stscreds-request-v1\naccountId=a-_.~%20%21%2A%27%28%29%C3%A9%0A%E2%82%AC',
    );
  });

  it('keeps policy ARNs in their order, one line each', () => {
    expect(canonicalRequest({ accountId: 'p', policyArns: ['b', 'a'] })).toBe(
      'stscreds-request-v1\naccountId=p\npolicyArns=b\npolicyArns=a',
    );
  });
});

describe('requestDigest', () => {
  it('is the SHA-256 of the canonical text, as the docs show', () => {
    expect(requestDigest(EXAMPLE)).toBe('63aa0c3d7a571f01851c071c965e9ce33a606d368e378bce46525ccc7a51ee8a');
    expect(requestDigest({ accountId: '222222222222' })).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, Partial<BoundRequestFields>]>([
    ['the account', { accountId: '333333333333' }],
    ['the role', { roleName: 'deploy' }],
    ['no role', { roleName: undefined }],
    ['the session name', { sessionName: 'build-43' }],
    ['the duration', { durationSeconds: 1801 }],
    ['no duration', { durationSeconds: undefined }],
    ['the inline policy', { policy: '{}' }],
    ['no inline policy', { policy: undefined }],
    ['the policy ARNs', { policyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] }],
    ['one more policy ARN', { policyArns: [...(EXAMPLE.policyArns ?? []), 'arn:aws:iam::aws:policy/X'] }],
    ['no policy ARN', { policyArns: undefined }],
  ])('changes with %s', (_field, change) => {
    expect(requestDigest({ ...EXAMPLE, ...change })).not.toBe(requestDigest(EXAMPLE));
  });

  it('tells apart any two different requests (no field can bleed into another)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    const fields = fc.record(
      {
        accountId: text,
        roleName: text,
        sessionName: text,
        durationSeconds: fc.integer({ min: 900, max: 3600 }),
        policy: text,
        policyArns: fc.array(text, { minLength: 1, maxLength: 3 }),
      },
      { requiredKeys: ['accountId'] },
    );
    fc.assert(
      fc.property(fields, fields, (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        expect(canonicalRequest(a)).not.toBe(canonicalRequest(b));
      }),
    );
  });
});
