import { buildIdentityProof } from '@stscreds/client';
import { type IdentityProof, MAX_PROOF_HEADER_CHARS, requestDigest } from '@stscreds/contract';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProofRefusedError } from '../../src/errors.ts';
import {
  PROOF_LIFETIME_MS,
  PROOF_MAX_AHEAD_MS,
  type ProofRules,
  reconstructProof,
} from '../../src/identity/reconstructProof.ts';

const NOW = new Date('2026-11-28T12:00:00Z');
const REQUEST = { accountId: '222222222222', durationSeconds: 900 };
const rules: ProofRules = {
  audience: 'stscreds-test',
  requestDigest: requestDigest(REQUEST),
  partitions: ['aws'],
  extraStsOrigins: ['http://127.0.0.1:5000'],
  now: NOW,
};
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
    request: REQUEST,
  });
});

const refusal = (proof: IdentityProof, overrides: Partial<ProofRules> = {}): string => {
  try {
    reconstructProof(proof, { ...rules, ...overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(ProofRefusedError);
    return (error as Error).message;
  }
  throw new Error('the proof was accepted');
};

const withHeaders = (headers: Record<string, string>): IdentityProof => ({
  ...genuine,
  headers: { ...genuine.headers, ...headers },
});
const authorization = (): string => genuine.headers.authorization ?? '';
/** The genuine signature with its SignedHeaders list replaced. */
const signing = (list: string): IdentityProof =>
  withHeaders({ authorization: authorization().replace(/SignedHeaders=[^,]+/, `SignedHeaders=${list}`) });
const at = (offsetMs: number): Partial<ProofRules> => ({ now: new Date(NOW.getTime() + offsetMs) });

describe('reconstructProof', () => {
  it('rebuilds a genuine proof from its checked parts only', () => {
    const extra = withHeaders({ 'x-forwarded-host': 'evil.example', cookie: 'a=b' });
    const rebuilt = reconstructProof(extra, rules);
    expect(rebuilt.url).toBe('https://sts.us-west-2.amazonaws.com/');
    expect(rebuilt.body).toBe('Action=GetCallerIdentity&Version=2011-06-15');
    expect(Object.keys(rebuilt.headers).sort()).toEqual(
      [
        'authorization',
        'content-type',
        'x-amz-date',
        'x-amz-security-token',
        'x-stscreds-audience',
        'x-stscreds-request-digest',
      ].sort(),
    );
    expect(rebuilt.headers['x-stscreds-request-digest']).toBe(requestDigest(REQUEST));
  });

  it('signs host, x-amz-date, the audience and the request digest', () => {
    expect(authorization()).toMatch(
      /SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-stscreds-audience;x-stscreds-request-digest,/,
    );
  });

  describe('the STS endpoint', () => {
    it.each([
      'https://sts.amazonaws.com/',
      'https://sts.eu-central-1.amazonaws.com/',
      'https://sts.ap-southeast-2.amazonaws.com',
      'https://sts-fips.us-east-1.amazonaws.com',
      'http://127.0.0.1:5000/',
    ])('accepts %s for the aws partition', (url) => {
      expect(reconstructProof({ ...genuine, url }, rules).url).toBe(`${new URL(url).origin}/`);
    });

    it.each([
      ['aws-cn', 'https://sts.cn-north-1.amazonaws.com.cn/'],
      ['aws-cn', 'https://sts.cn-northwest-1.amazonaws.com.cn/'],
      ['aws-us-gov', 'https://sts.us-gov-west-1.amazonaws.com/'],
      ['aws-us-gov', 'https://sts-fips.us-gov-east-1.amazonaws.com/'],
    ] as const)('accepts an %s endpoint only when that partition is configured: %s', (partition, url) => {
      expect(refusal({ ...genuine, url })).toMatch(/identity\.url is not an STS endpoint of aws$/);
      expect(reconstructProof({ ...genuine, url }, { ...rules, partitions: ['aws', partition] }).url).toBe(
        `${new URL(url).origin}/`,
      );
      expect(
        refusal({ ...genuine, url: 'https://sts.us-west-2.amazonaws.com/' }, { partitions: [partition] }),
      ).toMatch(/not an STS endpoint/);
    });

    it('names every partition it takes when it refuses a host', () => {
      expect(refusal({ ...genuine, url: 'https://evil.example/' }, { partitions: ['aws', 'aws-cn'] })).toBe(
        'Identity proof refused: identity.url is not an STS endpoint of aws or aws-cn',
      );
    });

    it.each([
      ['another host', 'https://evil.example/'],
      ['a look-alike host', 'https://sts.us-west-2.amazonaws.com.evil.example/'],
      ['a prefix trick', 'https://evilsts.amazonaws.com/'],
      ['a label before', 'https://x.sts.us-west-2.amazonaws.com/'],
      ['a suffix trick', 'https://sts.us-west-2.amazonaws.comx/'],
      ['China in the aws partition', 'https://sts.cn-north-1.amazonaws.com/'],
      ['GovCloud under the aws name', 'https://sts.us-gov-west-1.amazonaws.com.cn/'],
      ['FIPS without a region', 'https://sts-fips.amazonaws.com/'],
      ['a region without its number', 'https://sts.us-west.amazonaws.com/'],
      ['plain http', 'http://sts.us-west-2.amazonaws.com/'],
      ['another port', 'https://sts.us-west-2.amazonaws.com:8443/'],
      ['an IP literal', 'https://52.94.0.1/'],
      ['link-local metadata', 'http://169.254.169.254/latest/meta-data/'],
      ['an IPv6 literal', 'https://[::1]/'],
      ['a file URL', 'file:///etc/passwd'],
      ['user information', 'https://attacker@sts.us-west-2.amazonaws.com/'],
      ['a password', 'https://:pw@sts.us-west-2.amazonaws.com/'],
      ['a path', 'https://sts.us-west-2.amazonaws.com/redirect'],
      ['a query', 'https://sts.us-west-2.amazonaws.com/?Action=AssumeRole'],
      ['a fragment', 'https://sts.us-west-2.amazonaws.com/#x'],
      ['an unlisted local port', 'http://127.0.0.1:5001/'],
      ['not a URL', 'sts.us-west-2.amazonaws.com'],
    ])('refuses %s', (_, url) => {
      expect(refusal({ ...genuine, url })).toMatch(/^Identity proof refused: identity\.url/);
    });
  });

  it('refuses another action or a changed body', () => {
    expect(refusal({ ...genuine, body: 'Action=AssumeRole&Version=2011-06-15' })).toMatch(
      /body must be exactly/,
    );
    expect(refusal({ ...genuine, body: `${genuine.body}&x=1` })).toMatch(/body must be exactly/);
  });

  describe('the signed headers', () => {
    it.each(['host', 'x-amz-date', 'x-stscreds-audience', 'x-stscreds-request-digest'])(
      'refuses a proof that does not sign %s',
      (name) => {
        const list =
          'content-type;host;x-amz-date;x-amz-security-token;x-stscreds-audience;x-stscreds-request-digest'
            .split(';')
            .filter((signed) => signed !== name)
            .join(';');
        expect(refusal(signing(list))).toBe(`Identity proof refused: ${name} must be signed`);
      },
    );

    it('refuses a proof that signs a header it would not forward', () => {
      expect(
        refusal(signing('cookie;host;x-amz-date;x-stscreds-audience;x-stscreds-request-digest')),
      ).toMatch(/signs cookie, which the broker does not forward/);
    });

    it('accepts a proof that signs only what it must, and content-length', () => {
      const minimal = signing('content-length;host;x-amz-date;x-stscreds-audience;x-stscreds-request-digest');
      expect(() => reconstructProof(minimal, rules)).not.toThrow();
    });
  });

  it('refuses an audience that is wrong, missing or changed in case', () => {
    expect(refusal(withHeaders({ 'x-stscreds-audience': 'other' }))).toMatch(/does not name this broker/);
    expect(refusal(withHeaders({ 'x-stscreds-audience': 'STSCREDS-TEST' }))).toMatch(
      /does not name this broker/,
    );
    const { 'x-stscreds-audience': _dropped, ...without } = genuine.headers;
    expect(refusal({ ...genuine, headers: without })).toMatch(/does not name this broker/);
  });

  describe('the request digest', () => {
    it.each([
      ['another account', { ...REQUEST, accountId: '333333333333' }],
      ['another duration', { ...REQUEST, durationSeconds: 3600 }],
      ['a role', { ...REQUEST, roleName: 'admin' }],
      ['a session name', { ...REQUEST, sessionName: 'alice' }],
      ['a session policy', { ...REQUEST, policy: '{}' }],
      ['policy ARNs', { ...REQUEST, policyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] }],
    ])('refuses the proof for a request with %s', (_, other) => {
      expect(refusal(genuine, { requestDigest: requestDigest(other) })).toBe(
        'Identity proof refused: x-stscreds-request-digest does not match this request',
      );
    });

    it('refuses a proof without a digest', () => {
      const { 'x-stscreds-request-digest': _dropped, ...without } = genuine.headers;
      expect(refusal({ ...genuine, headers: without })).toMatch(/request-digest does not match/);
    });
  });

  describe('the proof window', () => {
    it(`accepts a proof up to exactly ${PROOF_LIFETIME_MS / 60_000} minutes old, and not a millisecond more`, () => {
      expect(() => reconstructProof(genuine, { ...rules, ...at(PROOF_LIFETIME_MS) })).not.toThrow();
      expect(refusal(genuine, at(PROOF_LIFETIME_MS + 1))).toBe(
        'Identity proof refused: x-amz-date is more than 5 minutes old',
      );
      expect(refusal(genuine, at(5 * 60_000 + 59_000))).toMatch(/more than 5 minutes old/);
    });

    it('keeps the window five minutes long, as its message says', () => {
      expect(PROOF_LIFETIME_MS).toBe(300_000);
      expect(() => reconstructProof(genuine, { ...rules, ...at(4 * 60_000 + 59_000) })).not.toThrow();
    });

    it(`accepts a date up to ${PROOF_MAX_AHEAD_MS / 1000} s ahead of the broker, and not a millisecond more`, () => {
      expect(PROOF_MAX_AHEAD_MS).toBe(30_000);
      expect(() => reconstructProof(genuine, { ...rules, ...at(-PROOF_MAX_AHEAD_MS) })).not.toThrow();
      expect(refusal(genuine, at(-PROOF_MAX_AHEAD_MS - 1))).toBe(
        "Identity proof refused: x-amz-date is more than 30 seconds ahead of the broker's clock",
      );
      expect(refusal(genuine, at(-4 * 60_000))).toMatch(/ahead of the broker's clock/);
    });

    it('refuses a date that disagrees with the scope, or is malformed', () => {
      expect(refusal(withHeaders({ 'x-amz-date': '20261129T120000Z' }))).toMatch(/credential scope/);
      for (const date of [
        'yesterday',
        '',
        `x${genuine.headers['x-amz-date']}`,
        `${genuine.headers['x-amz-date']}x`,
      ]) {
        expect(refusal(withHeaders({ 'x-amz-date': date }))).toMatch(/x-amz-date is missing or malformed/);
      }
      const { 'x-amz-date': _dropped, ...without } = genuine.headers;
      expect(refusal({ ...genuine, headers: without })).toMatch(/x-amz-date is missing or malformed/);
    });
  });

  describe('the authorization header', () => {
    it.each([
      ['another scheme', () => 'Bearer x'],
      ['another service', () => authorization().replace('/sts/', '/s3/')],
      ['text before', () => `x${authorization()}`],
      ['text after', () => `${authorization()}x`],
      [
        'a short signature',
        () => authorization().replace(/Signature=[0-9a-f]{64}/, `Signature=${'a'.repeat(63)}`),
      ],
      ['a long signature', () => authorization().replace(/Signature=([0-9a-f]{64})/, 'Signature=$1a')],
      [
        'upper-case hex',
        () => authorization().replace(/Signature=[0-9a-f]{64}/, `Signature=${'A'.repeat(64)}`),
      ],
      ['no terminator', () => authorization().replace('/aws4_request', '/aws4_requestx')],
      ['a lower-case key id', () => authorization().replace('AKIAEXAMPLEEXAMPLE00', 'akiaexampleexample00')],
      ['a short key id', () => authorization().replace('AKIAEXAMPLEEXAMPLE00', 'AKIA')],
    ])('refuses %s', (_, value) => {
      expect(refusal(withHeaders({ authorization: value() }))).toBe(
        'Identity proof refused: authorization is not an AWS4-HMAC-SHA256 signature for sts',
      );
    });

    it('accepts the comma separators with or without a space', () => {
      const tight = authorization().replace(/, /g, ',');
      expect(() => reconstructProof(withHeaders({ authorization: tight }), rules)).not.toThrow();
    });
  });

  describe('content-type and the payload hash', () => {
    it.each([
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=utf-8',
      'application/x-www-form-urlencoded;charset=UTF-8',
    ])('accepts %s', (contentType) => {
      expect(() => reconstructProof(withHeaders({ 'content-type': contentType }), rules)).not.toThrow();
    });

    it('accepts a proof that sends no content-type at all', () => {
      const { 'content-type': _dropped, ...headers } = genuine.headers;
      expect(() => reconstructProof({ ...genuine, headers }, rules)).not.toThrow();
    });

    it.each([
      'application/json',
      'text/plain; application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=utf-8; x=1',
      'application/x-www-form-urlencodedx',
    ])('refuses %s', (contentType) => {
      expect(refusal(withHeaders({ 'content-type': contentType }))).toBe(
        'Identity proof refused: content-type must be form-encoded',
      );
    });

    it('accepts the hash of the fixed body and refuses any other', () => {
      const hash = 'f1b5ad6ee1b81ab9bfd0d3fc0b1d1e7e61e33cd8b9d0ba0a0e6b0c6d1c9b53ec';
      expect(refusal(withHeaders({ 'x-amz-content-sha256': hash }))).toMatch(/does not match the body/);
      expect(refusal(withHeaders({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }))).toMatch(
        /does not match the body/,
      );
      const real = 'ab821ae955788b0e33ebd34c208442ccfc2d406e2edc5e7a39bd6458fbb4f843';
      expect(() => reconstructProof(withHeaders({ 'x-amz-content-sha256': real }), rules)).not.toThrow();
    });
  });

  describe('header values', () => {
    it.each([
      ['a carriage return', 'abc\rdef'],
      ['a line feed', 'abc\ndef'],
      ['a NUL', 'abc\0def'],
      ['a tab', 'abc\tdef'],
      ['DEL', 'abc\x7fdef'],
      ['a Latin-1 letter', 'abcédef'],
      ['a character beyond Latin-1', 'abc€def'],
    ])('refuses %s in any header, naming the header and never the value', (_, value) => {
      for (const name of ['x-amz-security-token', 'x-amz-date', 'x-unforwarded']) {
        const message = refusal(withHeaders({ [name]: value }));
        expect(message).toBe(
          `Identity proof refused: header ${name} holds a character other than printable ASCII`,
        );
        expect(message).not.toContain('abc');
      }
    });

    it(`accepts a header of ${MAX_PROOF_HEADER_CHARS} characters and refuses one more`, () => {
      const token = 'A'.repeat(MAX_PROOF_HEADER_CHARS);
      expect(() => reconstructProof(withHeaders({ 'x-unforwarded': token }), rules)).not.toThrow();
      expect(refusal(withHeaders({ 'x-unforwarded': `${token}A` }))).toBe(
        `Identity proof refused: header x-unforwarded is longer than ${MAX_PROOF_HEADER_CHARS} characters`,
      );
    });

    it('refuses duplicate headers', () => {
      expect(refusal(withHeaders({ 'X-Amz-Date': genuine.headers['x-amz-date'] ?? '' }))).toMatch(
        /appears twice/,
      );
    });
  });

  it('never puts the signature or the token in its message', () => {
    const signature = /Signature=([0-9a-f]{64})/.exec(authorization())?.[1] ?? 'missing';
    expect(refusal(withHeaders({ 'x-stscreds-audience': 'other' }))).not.toContain(signature);
    expect(refusal(withHeaders({ 'x-amz-security-token': 'session-token\r\n' }))).not.toContain(
      'session-token',
    );
  });
});
