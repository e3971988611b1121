import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { credentialResponseSchema } from '../src/brokerResponseSchema.ts';
import { isCredentialResponse } from '../src/isCredentialResponse.ts';

/** A credential answer as the broker writes one: Expiration from `Date#toISOString`. */
const written = fc.record({
  Version: fc.constant(1 as const),
  AccessKeyId: fc.string({ minLength: 1 }),
  SecretAccessKey: fc.string({ minLength: 1 }),
  SessionToken: fc.string({ minLength: 1 }),
  Expiration: fc
    .date({
      min: new Date('1970-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString()),
  AccountId: fc.stringMatching(/^[0-9]{12}$/),
  AssumedRoleArn: fc.string().map((rest) => `arn:${rest}`),
});

/** Answers a little off: a field changed, dropped or added, or a value of another type. */
const spoilt = fc.oneof(
  fc
    .tuple(
      written,
      fc.constantFrom('Version', 'AccessKeyId', 'Expiration', 'AccountId', 'AssumedRoleArn'),
      fc.anything(),
    )
    .map(([answer, key, value]) => ({ ...answer, [key]: value })),
  fc.tuple(written, fc.constantFrom('SessionToken', 'Expiration', 'AccountId')).map(([answer, key]) => {
    const { [key as keyof typeof answer]: _dropped, ...rest } = answer;
    return rest;
  }),
  fc.tuple(written, fc.string(), fc.anything()).map(([answer, key, value]) => ({ ...answer, [key]: value })),
  fc
    .tuple(
      written,
      fc.constantFrom(
        '2026-12-01T12:00:00Z',
        '2026-12-01T12:00:00.000+00:00',
        '2026-02-30T12:00:00.000Z',
        '+010000-01-01T00:00:00.000Z',
        '2026-12-01',
        'Tue, 01 Dec 2026 12:00:00 GMT',
      ),
    )
    .map(([answer, Expiration]) => ({ ...answer, Expiration })),
  fc.anything(),
);

describe('isCredentialResponse', () => {
  it('accepts every answer as the broker writes one', () => {
    fc.assert(
      fc.property(
        written,
        (answer) => isCredentialResponse(answer) && credentialResponseSchema.safeParse(answer).success,
      ),
    );
  });

  it("never accepts what the contract's schema refuses", () => {
    fc.assert(
      fc.property(fc.oneof(written, spoilt), (value) => {
        if (isCredentialResponse(value)) expect(credentialResponseSchema.safeParse(value).success).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['an Expiration without milliseconds', { Expiration: '2026-12-01T12:00:00Z' }],
    ['an Expiration with an offset', { Expiration: '2026-12-01T12:00:00.000+00:00' }],
    ['a day February has not', { Expiration: '2026-02-30T12:00:00.000Z' }],
    ['a key the contract does not name', { Extra: 'x' }],
    ['an empty session token', { SessionToken: '' }],
    ['an account id of 11 digits', { AccountId: '22222222222' }],
    ['Version 2', { Version: 2 }],
  ])('refuses %s', (_, change) => {
    const answer = {
      Version: 1,
      AccessKeyId: 'ASIA0000000000000001',
      SecretAccessKey: 's',
      SessionToken: 't',
      Expiration: '2026-12-01T12:00:00.000Z',
      AccountId: '222222222222',
      AssumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/alice',
    };
    expect(isCredentialResponse(answer)).toBe(true);
    expect(isCredentialResponse({ ...answer, ...change })).toBe(false);
  });
});
