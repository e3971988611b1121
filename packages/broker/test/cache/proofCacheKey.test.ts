import type { IdentityProof } from '@stscreds/contract';
import { describe, expect, it } from 'vitest';
import { proofCacheKey } from '../../src/cache/proofCacheKey.ts';

const proof: IdentityProof = {
  url: 'https://sts.us-west-2.amazonaws.com/',
  body: 'Action=GetCallerIdentity&Version=2011-06-15',
  headers: {
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261128/us-west-2/sts/aws4_request, …',
    'x-amz-date': '20261128T120000Z',
    'x-amz-security-token': 'token-1',
    'x-stscreds-audience': 'stscreds-test',
    'x-stscreds-request-digest': 'a'.repeat(64),
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    'x-amz-content-sha256': 'b'.repeat(64),
  },
};
const withHeader = (name: string, value: string): IdentityProof => ({
  ...proof,
  headers: { ...proof.headers, [name]: value },
});

describe('proofCacheKey', () => {
  it('is one hex SHA-256 for one signed request, whatever the case of its header names', () => {
    const key = proofCacheKey(proof);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(proofCacheKey({ ...proof, headers: { ...proof.headers } })).toBe(key);
    const upper = Object.fromEntries(
      Object.entries(proof.headers).map(([name, value]) => [name.toUpperCase(), value]),
    );
    expect(proofCacheKey({ ...proof, headers: upper })).toBe(key);
  });

  it.each(Object.keys(proof.headers))('differs when only %s differs', (name) => {
    expect(proofCacheKey(withHeader(name, 'changed'))).not.toBe(proofCacheKey(proof));
  });

  it('differs when only the URL or the body differs', () => {
    expect(proofCacheKey({ ...proof, url: 'https://sts.us-east-1.amazonaws.com/' })).not.toBe(
      proofCacheKey(proof),
    );
    expect(proofCacheKey({ ...proof, body: `${proof.body}&x=1` })).not.toBe(proofCacheKey(proof));
  });
});
