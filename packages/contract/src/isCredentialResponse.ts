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

/** A valid calendar date, `YYYY-MM-DD`, leap days included, as the contract's schema reads one. */
const DATE =
  '(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))';

/** An RFC 3339 date and time with seconds, a fraction if any, and `Z` or an offset: `Expiration`'s form in contract v1. */
const DATE_TIME = new RegExp(
  `^${DATE}T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)$`,
);

/**
 * Whether a value is a credential answer of contract v1, as the broker writes one, without
 * loading the schema library: for readers on a start-up path, such as a cache hit or a
 * bundled client. It accepts exactly what `credentialResponseSchema` accepts (a property test
 * holds the two to the same answer for every value).
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
    typeof answer.Expiration === 'string' &&
    DATE_TIME.test(answer.Expiration) &&
    typeof answer.AccountId === 'string' &&
    ACCOUNT_ID.test(answer.AccountId) &&
    typeof answer.AssumedRoleArn === 'string' &&
    answer.AssumedRoleArn.startsWith('arn:')
  );
}
