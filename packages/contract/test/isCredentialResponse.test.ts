import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brokerResponseSchema, credentialResponseSchema } from '../src/brokerResponseSchema.ts';
import { ERROR_CODES } from '../src/errorCodes.ts';
import { isBrokerResponse } from '../src/isBrokerResponse.ts';
import { isCredentialResponse } from '../src/isCredentialResponse.ts';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Date-times near RFC 3339's edges: impossible days, hours and offsets, fractions, other zones. */
const dateTime = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.integer({ min: 0, max: 61 }),
    fraction: fc.option(fc.stringMatching(/^[0-9]{0,10}$/), { nil: undefined }),
    zone: fc.oneof(
      fc.constantFrom('Z', 'z', '', '+00:00', '-23:59', '+24:00', '+05:60', '+0500', ' Z'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }))
        .map(([sign, h, m]) => `${sign}${pad(h, 2)}:${pad(m, 2)}`),
    ),
    separator: fc.constantFrom('T', 'T', 'T', 't', ' '),
  })
  .map(
    (d) =>
      `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}${d.separator}${pad(d.hour, 2)}:${pad(d.minute, 2)}:${pad(d.second, 2)}${d.fraction === undefined ? '' : `.${d.fraction}`}${d.zone}`,
  );

/** A credential answer, mostly well formed. */
const credentials = fc.record({
  Version: fc.oneof(fc.constant(1), fc.constantFrom(2, '1', 1.0000001)),
  AccessKeyId: fc.string(),
  SecretAccessKey: fc.string({ minLength: 1 }),
  SessionToken: fc.oneof(fc.string({ minLength: 1 }), fc.constant('')),
  Expiration: fc.oneof(
    dateTime,
    fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    fc.string(),
  ),
  AccountId: fc.oneof(
    fc.stringMatching(/^[0-9]{12}$/),
    fc.constantFrom('22222222222', '2222222222222', 'aaaaaaaaaaaa', '２２２２２２２２２２２２'),
  ),
  AssumedRoleArn: fc.oneof(
    fc.string().map((rest) => `arn:${rest}`),
    fc.string(),
  ),
});

const errors = fc.record({
  error: fc.record({
    code: fc.oneof(fc.constantFrom(...ERROR_CODES), fc.string()),
    message: fc.oneof(fc.string(), fc.integer()),
    requestId: fc.oneof(fc.string(), fc.constant(undefined)),
  }),
});

/** Answers a little off: a field changed, dropped or added. */
const spoilt = <T extends object>(answers: fc.Arbitrary<T>) =>
  fc.oneof(
    fc
      .tuple(answers, fc.string(), fc.anything())
      .map(([answer, key, value]) => ({ ...answer, [key]: value })),
    fc.tuple(answers, fc.nat()).map(([answer, n]) => {
      const keys = Object.keys(answer);
      const { [keys[n % keys.length] as string]: _dropped, ...rest } = answer as Record<string, unknown>;
      return rest;
    }),
    fc.tuple(answers, fc.anything()).map(([answer, extra]) => ({ ...answer, error: extra })),
  );

describe('isCredentialResponse', () => {
  it("agrees with the contract's schema on every value", () => {
    fc.assert(
      fc.property(fc.oneof(credentials, spoilt(credentials), fc.anything()), (value) => {
        expect(isCredentialResponse(value)).toBe(credentialResponseSchema.safeParse(value).success);
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees on the date-times the schema reads', () => {
    fc.assert(
      fc.property(dateTime, (Expiration) => {
        const answer = {
          Version: 1,
          AccessKeyId: 'ASIA0000000000000001',
          SecretAccessKey: 's',
          SessionToken: 't',
          Expiration,
          AccountId: '222222222222',
          AssumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/alice',
        };
        expect(isCredentialResponse(answer)).toBe(credentialResponseSchema.safeParse(answer).success);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts what the broker writes', () => {
    fc.assert(
      fc.property(
        fc.date({ noInvalidDate: true, min: new Date(0), max: new Date('9999-12-31T23:59:59Z') }),
        (date) =>
          isCredentialResponse({
            Version: 1,
            AccessKeyId: 'ASIA0000000000000001',
            SecretAccessKey: 's',
            SessionToken: 't',
            Expiration: date.toISOString(),
            AccountId: '222222222222',
            AssumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/alice',
          }),
      ),
    );
  });
});

describe('isBrokerResponse', () => {
  it("agrees with the contract's schema on every value", () => {
    fc.assert(
      fc.property(
        fc.oneof(credentials, errors, spoilt(credentials), spoilt(errors), fc.anything()),
        (value) => {
          expect(isBrokerResponse(value)).toBe(brokerResponseSchema.safeParse(value).success);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
