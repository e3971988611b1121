import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { ACCOUNT_ID } from './accountId.ts';
import type { ErrorCode } from './errorCodes.ts';

// zod/mini keeps the broker's bundle and cold start small; its messages come in English here.
z.config(en());

/** The role the broker assumes in a target account when neither the request nor the broker's configuration names one. */
export const DEFAULT_ROLE_NAME = 'lambda_sts';

/** AssumeRole's lower bound on DurationSeconds. */
export const MIN_DURATION_SECONDS = 900;

/**
 * The broker runs as a Lambda execution role, so its AssumeRole is role chaining,
 * which AWS caps at one hour whatever the target role's MaxSessionDuration says.
 */
export const MAX_DURATION_SECONDS = 3600;

/** Requests larger than this, serialised as JSON, are refused before they are read. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** AssumeRole's limit on an inline session policy. */
export const MAX_POLICY_CHARS = 2048;

/** AssumeRole's limit on managed session policies. */
export const MAX_POLICY_ARNS = 10;

export { ERROR_CODES, type ErrorCode } from './errorCodes.ts';

const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** An alias that the access policy defines, such as `prod`; never 12 digits, always ASCII. */
const ACCOUNT_ALIAS = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;

/** Limits on an identity proof's parts, far above what a genuine proof needs. */
export const MAX_PROOF_URL_CHARS = 2048;
export const MAX_PROOF_HEADERS = 20;
export const MAX_PROOF_HEADER_CHARS = 4096;
export const MAX_PROOF_BODY_CHARS = 256;
const POLICY_ARN =
  /^arn:aws(?:-cn|-us-gov)?:iam::(?:aws|[0-9]{12}):policy\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/;

const isJsonObjectText = (text: string): boolean => {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
};

/** A SigV4-signed `sts:GetCallerIdentity` request made by the caller with its own credentials. */
export const identityProofSchema = z.strictObject({
  url: z.string().check(z.maxLength(MAX_PROOF_URL_CHARS)),
  headers: z
    .record(
      z.string().check(z.regex(HEADER_NAME, 'must be HTTP header names')),
      z.string().check(z.maxLength(MAX_PROOF_HEADER_CHARS)),
    )
    .check(
      z.refine(
        (headers) => Object.keys(headers).length <= MAX_PROOF_HEADERS,
        `may hold at most ${MAX_PROOF_HEADERS} headers`,
      ),
    ),
  body: z.string().check(z.maxLength(MAX_PROOF_BODY_CHARS)),
});

/** The request of contract v1, as the Lambda Invoke payload or the Function URL body. */
export const credentialRequestSchema = z.strictObject({
  accountId: z
    .string()
    .check(
      z.refine(
        (value) => ACCOUNT_ID.test(value) || ACCOUNT_ALIAS.test(value),
        'must be an account id of exactly 12 digits, as a string, or an alias the access policy defines',
      ),
    ),
  roleName: z.optional(
    z
      .string()
      .check(z.regex(ROLE_NAME, 'must be a role name of 1-64 characters [A-Za-z0-9_+=,.@-], without a path')),
  ),
  sessionName: z.optional(
    z.string().check(z.regex(ROLE_SESSION_NAME, 'must be 2-64 characters [A-Za-z0-9_+=,.@-]')),
  ),
  durationSeconds: z.optional(
    z
      .number()
      .check(
        z.refine(Number.isInteger, 'must be a whole number of seconds'),
        z.minimum(MIN_DURATION_SECONDS, `must be at least ${MIN_DURATION_SECONDS}`),
        z.maximum(
          MAX_DURATION_SECONDS,
          `must be at most ${MAX_DURATION_SECONDS}: the broker assumes the target role from its Lambda execution role, which is role chaining, and AWS caps role chaining at one hour`,
        ),
      ),
  ),
  policy: z.optional(
    z.string().check(
      z.maxLength(MAX_POLICY_CHARS, `must be at most ${MAX_POLICY_CHARS} characters`),
      z.refine(isJsonObjectText, 'must be an IAM policy document: a JSON object, as a string'),
      // A lone surrogate has no UTF-8 form, so no digest of it could be signed unambiguously.
      z.refine((text) => !/\p{Cs}/u.test(text), 'must be well-formed Unicode'),
    ),
  ),
  policyArns: z.optional(
    z
      .array(z.string().check(z.regex(POLICY_ARN, 'must be an IAM managed policy ARN')))
      .check(z.maxLength(MAX_POLICY_ARNS, `may hold at most ${MAX_POLICY_ARNS} ARNs`)),
  ),
  identity: z.optional(identityProofSchema),
});

/** A request as the caller sends it. */
export type CredentialRequestInput = z.input<typeof credentialRequestSchema>;
/** A request after validation, with defaults applied. */
export type CredentialRequest = z.output<typeof credentialRequestSchema>;

/** A success: the credential_process v1 document, plus where the credentials lead. */
export interface CredentialResponse {
  readonly Version: 1;
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly SessionToken: string;
  /** ISO-8601 in UTC, always ending in `Z`. */
  readonly Expiration: string;
  readonly AccountId: string;
  readonly AssumedRoleArn: string;
}

/** A failure. It never carries a stack trace or a secret. */
export interface ErrorResponse {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly requestId: string;
  };
}

export type BrokerResponse = CredentialResponse | ErrorResponse;
