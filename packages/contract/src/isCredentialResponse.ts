import { ACCOUNT_ID } from './accountId.ts';
import type { CredentialResponse } from './contract.ts';

const KEYS = [
  'AccessKeyId',
  'AccountId',
  'AssumedRoleArn',
  'Expiration',
  'SecretAccessKey',
  'SessionToken',
  'Version',
];

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** An instant as `Date#toISOString` writes it, which is how the broker writes `Expiration`. */
const isIsoInstant = (value: unknown): boolean => {
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value)) return false;
  const time = Date.parse(value);
  return Number.isFinite(time) && new Date(time).toISOString() === value;
};

/**
 * Whether a value is a credential answer of contract v1, as the broker writes one, without
 * loading the schema library: for readers on a start-up path, such as a cache hit. It never
 * accepts what `credentialResponseSchema` refuses; of what the schema accepts, it takes
 * `Expiration` only in the form the broker writes (`2026-12-01T12:00:00.000Z`).
 *
 * @example
 * if (isCredentialResponse(JSON.parse(text))) serve(it);
 */
export function isCredentialResponse(value: unknown): value is CredentialResponse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const answer = value as Record<string, unknown>;
  const keys = Object.keys(answer).sort();
  return (
    keys.length === KEYS.length &&
    keys.every((key, index) => key === KEYS[index]) &&
    answer.Version === 1 &&
    nonEmpty(answer.AccessKeyId) &&
    nonEmpty(answer.SecretAccessKey) &&
    nonEmpty(answer.SessionToken) &&
    isIsoInstant(answer.Expiration) &&
    typeof answer.AccountId === 'string' &&
    ACCOUNT_ID.test(answer.AccountId) &&
    typeof answer.AssumedRoleArn === 'string' &&
    answer.AssumedRoleArn.startsWith('arn:')
  );
}
