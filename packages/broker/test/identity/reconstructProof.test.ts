import { buildIdentityProof } from '@stscreds/client';
import type { IdentityProof } from '@stscreds/contract';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError } from '../../src/errors.ts';
import { reconstructProof } from '../../src/identity/reconstructProof.ts';

const NOW = new Date('2026-11-28T12:00:00Z');
const rules = { audience: 'stscreds-test', extraStsOrigins: ['http://127.0.0.1:5000'], now: NOW };
const credentials = {
  accessKeyId: 'AKIAEXAMPLEEXAMPLE00',
  secretAccessKey: 'secret',
  sessionToken: 'session-token',
};

let genuine: IdentityProof;
beforeAll(async () => {
  genuine = await buildIdentityProof({
    credentials,
    audience: 'stscreds-test',
    region: 'us-west-2',
    signingDate: NOW,
  });
});

const refusal = (proof: IdentityProof, overrides: Partial<typeof rules> = {}): string => {
  try {
    reconstructProof(proof, { ...rules, ...overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(AccessDeniedError);
    return (error as Error).message;
  }
  throw new Error('the proof was accepted');
};

const withHeaders = (headers: Record<string, string>): IdentityProof => ({
  ...genuine,
  headers: { ...genuine.headers, ...headers },
});

describe('reconstructProof', () => {
  it('rebuilds a genuine proof from its checked parts only', () => {
    const extra = withHeaders({ 'x-forwarded-host': 'evil.example', cookie: 'a=b' });
    const rebuilt = reconstructProof(extra, rules);
    expect(rebuilt.url).toBe('https://sts.us-west-2.amazonaws.com/');
    expect(rebuilt.body).toBe('Action=GetCallerIdentity&Version=2011-06-15');
    expect(Object.keys(rebuilt.headers).sort()).toEqual(
      ['authorization', 'content-type', 'x-amz-date', 'x-amz-security-token', 'x-stscreds-audience'].sort(),
    );
  });

  it.each([
    'https://sts.amazonaws.com/',
    'https://sts.eu-central-1.amazonaws.com/',
    'https://sts.cn-north-1.amazonaws.com.cn/',
    'https://sts-fips.us-east-1.amazonaws.com',
    'http://127.0.0.1:5000/',
  ])('accepts the STS endpoint %s', (url) => {
    expect(reconstructProof({ ...genuine, url }, rules).url).toBe(`${new URL(url).origin}/`);
  });

  it.each([
    ['another host', 'https://evil.example/'],
    ['a look-alike host', 'https://sts.us-west-2.amazonaws.com.evil.example/'],
    ['a suffix trick', 'https://evilsts.amazonaws.com/'],
    ['plain http', 'http://sts.us-west-2.amazonaws.com/'],
    ['another port', 'https://sts.us-west-2.amazonaws.com:8443/'],
    ['an IP literal', 'https://52.94.0.1/'],
    ['link-local metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['an IPv6 literal', 'https://[::1]/'],
    ['a file URL', 'file:///etc/passwd'],
    ['user information', 'https://attacker@sts.us-west-2.amazonaws.com/'],
    ['a path', 'https://sts.us-west-2.amazonaws.com/redirect'],
    ['a query', 'https://sts.us-west-2.amazonaws.com/?Action=AssumeRole'],
    ['a fragment', 'https://sts.us-west-2.amazonaws.com/#x'],
    ['an unlisted local port', 'http://127.0.0.1:5001/'],
    ['not a URL', 'sts.us-west-2.amazonaws.com'],
  ])('refuses %s', (_, url) => {
    expect(refusal({ ...genuine, url })).toMatch(/^Identity proof refused: identity\.url/);
  });

  it('refuses another action or a changed body', () => {
    expect(refusal({ ...genuine, body: 'Action=AssumeRole&Version=2011-06-15' })).toMatch(
      /body must be exactly/,
    );
    expect(refusal({ ...genuine, body: `${genuine.body}&x=1` })).toMatch(/body must be exactly/);
  });

  it('refuses an audience that is wrong, missing or unsigned', () => {
    expect(refusal(withHeaders({ 'x-stscreds-audience': 'other' }))).toMatch(/does not name this broker/);
    const { 'x-stscreds-audience': _dropped, ...without } = genuine.headers;
    expect(refusal({ ...genuine, headers: without })).toMatch(/does not name this broker/);
    const unsigned = (genuine.headers.authorization ?? '').replace(';x-stscreds-audience', '');
    expect(refusal(withHeaders({ authorization: unsigned }))).toMatch(/x-stscreds-audience must be signed/);
  });

  it('refuses a stale or future date, and one that disagrees with the scope', () => {
    expect(refusal(genuine, { now: new Date(NOW.getTime() + 6 * 60_000) })).toMatch(/more than 5 minutes/);
    expect(refusal(genuine, { now: new Date(NOW.getTime() - 6 * 60_000) })).toMatch(/more than 5 minutes/);
    expect(refusal(withHeaders({ 'x-amz-date': '20261129T120000Z' }))).toMatch(/credential scope/);
    expect(refusal(withHeaders({ 'x-amz-date': 'yesterday' }))).toMatch(/malformed/);
  });

  it('refuses signatures that are not SigV4 for sts, or sign headers it would not forward', () => {
    expect(refusal(withHeaders({ authorization: 'Bearer x' }))).toMatch(/AWS4-HMAC-SHA256/);
    const forS3 = (genuine.headers.authorization ?? '').replace('/sts/', '/s3/');
    expect(refusal(withHeaders({ authorization: forS3 }))).toMatch(/AWS4-HMAC-SHA256/);
    const extra = (genuine.headers.authorization ?? '').replace('SignedHeaders=', 'SignedHeaders=cookie;');
    expect(refusal(withHeaders({ authorization: extra }))).toMatch(/signs cookie/);
  });

  it('refuses duplicate headers, other content types and a payload hash that does not match', () => {
    expect(refusal(withHeaders({ 'X-Amz-Date': genuine.headers['x-amz-date'] ?? '' }))).toMatch(
      /appears twice/,
    );
    expect(refusal(withHeaders({ 'content-type': 'application/json' }))).toMatch(/form-encoded/);
    expect(refusal(withHeaders({ 'x-amz-content-sha256': '0'.repeat(64) }))).toMatch(
      /does not match the body/,
    );
  });

  it('never puts the signature in its message', () => {
    const signature = /Signature=([0-9a-f]{64})/.exec(genuine.headers.authorization ?? '')?.[1] ?? 'missing';
    expect(refusal(withHeaders({ 'x-stscreds-audience': 'other' }))).not.toContain(signature);
  });
});
