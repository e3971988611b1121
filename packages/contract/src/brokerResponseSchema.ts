import * as z from 'zod/mini';
import { ACCOUNT_ID } from './accountId.ts';
import { ERROR_CODES } from './errorCodes.ts';

// In a module of their own, apart from the request's: the broker, which only reads requests,
// does not build these at its cold start.

/** Schemas for reading a broker answer strictly, on the caller's side and in tests. */
export const credentialResponseSchema = z.strictObject({
  Version: z.literal(1),
  AccessKeyId: z.string().check(z.minLength(1)),
  SecretAccessKey: z.string().check(z.minLength(1)),
  SessionToken: z.string().check(z.minLength(1)),
  Expiration: z.iso.datetime({ offset: true }),
  AccountId: z.string().check(z.regex(ACCOUNT_ID)),
  AssumedRoleArn: z.string().check(z.startsWith('arn:')),
});

export const errorResponseSchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    requestId: z.string(),
  }),
});

export const brokerResponseSchema = z.union([credentialResponseSchema, errorResponseSchema]);
