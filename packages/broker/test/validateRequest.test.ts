import { MAX_REQUEST_BYTES } from '@stscreds/contract';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.ts';
import { validateRequest } from '../src/validateRequest.ts';

const valid = { accountId: '222222222222' };

const refusal = (payload: unknown): string => {
  try {
    validateRequest(payload);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).message;
  }
  throw new Error(`accepted ${JSON.stringify(payload)}`);
};

describe('validateRequest', () => {
  it('accepts the smallest request, leaving the duration to the access policy', () => {
    expect(validateRequest(valid)).toEqual({ accountId: '222222222222' });
  });

  it('accepts an account alias and an identity proof', () => {
    const identity = {
      url: 'https://sts.us-west-2.amazonaws.com/',
      headers: { 'x-amz-date': '20261128T120000Z' },
      body: 'x',
    };
    expect(validateRequest({ accountId: 'prod', identity })).toEqual({ accountId: 'prod', identity });
  });

  it.each([
    ['a missing body', { url: 'https://sts.amazonaws.com/', headers: {} }],
    ['a header name with a space', { url: 'u', headers: { 'x y': 'v' }, body: '' }],
    [
      'too many headers',
      {
        url: 'u',
        headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`h${i}`, 'v'])),
        body: '',
      },
    ],
    ['an over-long body', { url: 'u', headers: {}, body: 'x'.repeat(257) }],
    ['a numeric header value', { url: 'u', headers: { 'x-amz-date': 1 }, body: '' }],
    ['an unknown field', { url: 'u', headers: {}, body: '', method: 'GET' }],
  ])('refuses an identity proof with %s', (_, identity) => {
    expect(refusal({ ...valid, identity })).toMatch(/identity/);
  });

  it('accepts every optional field at its limits', () => {
    const request = {
      accountId: '222222222222',
      roleName: 'a'.repeat(64),
      sessionName: 'build-42+x=y,z.w@v',
      durationSeconds: 900,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
      policyArns: Array.from({ length: 10 }, (_, i) => `arn:aws:iam::aws:policy/Policy${i}`),
    };
    expect(validateRequest(request)).toEqual(request);
  });

  it.each([
    ['a number', 222222222222],
    ['11 digits', '22222222222'],
    ['13 digits', '2222222222222'],
    ['fullwidth digits', '２２２２２２２２２２２２'],
    ['an alias starting with a digit', '2prod'],
    ['an alias with a space', 'prod staging'],
    ['a trailing newline', '222222222222\n'],
    ['surrounding spaces', ' 222222222222 '],
    ['an ARN fragment', 'arn:aws:iam::222222222222'],
    ['a wildcard', '*'],
  ])('refuses accountId as %s', (_, accountId) => {
    expect(refusal({ accountId })).toMatch(/^Invalid request\. accountId: /);
  });

  it('refuses a missing accountId', () => {
    expect(refusal({})).toMatch(/accountId/);
  });

  it.each([
    ['a path', 'lambda_sts/../admin'],
    ['an ARN', 'arn:aws:iam::222222222222:role/admin'],
    ['a wildcard', '*'],
    ['an empty string', ''],
    ['65 characters', 'a'.repeat(65)],
    ['a space', 'lambda sts'],
  ])('refuses roleName with %s', (_, roleName) => {
    expect(refusal({ ...valid, roleName })).toMatch(/roleName: /);
  });

  it.each([
    ['one character', 'a'],
    ['65 characters', 'a'.repeat(65)],
    ['a slash', 'a/b'],
    ['a colon', 'a:b'],
  ])('refuses sessionName with %s', (_, sessionName) => {
    expect(refusal({ ...valid, sessionName })).toMatch(/sessionName: /);
  });

  it('explains the one-hour cap as role chaining', () => {
    expect(refusal({ ...valid, durationSeconds: 7200 })).toMatch(/at most 3600: .*role chaining/);
  });

  it.each([
    ['too short', 899],
    ['a float', 1800.5],
    ['a string', '3600'],
    ['huge', 1e308],
    ['negative', -3600],
  ])('refuses durationSeconds %s', (_, durationSeconds) => {
    expect(refusal({ ...valid, durationSeconds })).toMatch(/durationSeconds: /);
  });

  it('refuses a policy over 2048 characters and one that is not a JSON object', () => {
    expect(refusal({ ...valid, policy: `{"a":"${'x'.repeat(2048)}"}` })).toMatch(
      /policy: must be at most 2048/,
    );
    expect(refusal({ ...valid, policy: 'not json' })).toMatch(/policy: must be an IAM policy document/);
    expect(refusal({ ...valid, policy: '[]' })).toMatch(/policy: /);
    expect(refusal({ ...valid, policy: { Version: '2012-10-17' } })).toMatch(/policy: /);
  });

  it('refuses more than ten policy ARNs and malformed ones', () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `arn:aws:iam::aws:policy/P${i}`);
    expect(refusal({ ...valid, policyArns: eleven })).toMatch(/policyArns: may hold at most 10/);
    expect(refusal({ ...valid, policyArns: ['arn:aws:iam::aws:role/Admin'] })).toMatch(/policyArns\.0: /);
    expect(refusal({ ...valid, policyArns: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })).toMatch(
      /policyArns: /,
    );
  });

  it.each([
    ['null', null],
    ['a string', '{"accountId":"222222222222"}'],
    ['a number', 42],
    ['an array', [valid]],
    ['undefined', undefined],
  ])('refuses a payload that is %s', (_, payload) => {
    expect(refusal(payload)).toMatch(/must be a JSON object/);
  });

  it('refuses unknown fields, including prototype keys', () => {
    expect(refusal({ ...valid, RoleArn: 'arn:aws:iam::222222222222:role/admin' })).toMatch(/RoleArn/);
    const polluted: unknown = JSON.parse('{"accountId":"222222222222","__proto__":{"roleName":"admin"}}');
    expect(refusal(polluted)).toMatch(/__proto__/);
    expect(refusal({ ...valid, constructor: { prototype: {} } })).toMatch(/constructor/);
    expect(({} as Record<string, unknown>).roleName).toBeUndefined();
  });

  it('refuses oversized and unreadable payloads before reading their fields', () => {
    expect(refusal({ ...valid, policy: 'x'.repeat(MAX_REQUEST_BYTES) })).toMatch(/the limit is 65536/);
    const cyclic: Record<string, unknown> = { ...valid };
    cyclic.self = cyclic;
    expect(refusal(cyclic)).toMatch(/could not be read as JSON/);
    expect(refusal({ ...valid, durationSeconds: 10n })).toMatch(/could not be read as JSON/);
  });

  it('reads a payload of exactly 64 KiB in UTF-8, and refuses one byte more before reading it', () => {
    /** The request with an unknown field padded so that it serialises to `bytes` bytes. */
    const sized = (bytes: number, unit = 'x') => {
      const empty = Buffer.byteLength(JSON.stringify({ ...valid, filler: '' }), 'utf8');
      const unitBytes = Buffer.byteLength(unit, 'utf8');
      const units = Math.floor((bytes - empty) / unitBytes);
      return { ...valid, filler: unit.repeat(units) + 'x'.repeat(bytes - empty - units * unitBytes) };
    };
    // At the limit the payload is read, and refused for its unknown field, not for its size.
    expect(refusal(sized(MAX_REQUEST_BYTES))).toMatch(/filler/);
    expect(refusal(sized(MAX_REQUEST_BYTES + 1))).toBe(
      `Invalid request. It is ${MAX_REQUEST_BYTES + 1} bytes; the limit is ${MAX_REQUEST_BYTES}`,
    );
    // Bytes, not characters: two-byte characters reach the limit in half as many.
    expect(refusal(sized(MAX_REQUEST_BYTES + 1, 'é'))).toMatch(/the limit is 65536/);
  });

  it('accepts an identity proof of exactly 20 headers', () => {
    const headers = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`h${i}`, 'v']));
    const identity = { url: 'u', headers, body: '' };
    expect(validateRequest({ ...valid, identity }).identity?.headers).toEqual(headers);
  });

  it('refuses deep nesting without exhausting the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(refusal({ ...valid, policyArns: deep })).toMatch(/Invalid request/);
  });

  it('keeps its message short however many fields are wrong', () => {
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`field${i}`, i]));
    const message = refusal(many);
    expect(message.length).toBeLessThanOrEqual(600);
  });
});
