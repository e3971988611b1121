import { ValidationError } from '../errors.ts';
import type { AccessPolicy } from './parseAccessPolicy.ts';

const ACCOUNT_ID = /^[0-9]{12}$/;

/**
 * The account id a request names: 12 digits stand for themselves, anything else must be an
 * alias of the access policy.
 *
 * @throws {ValidationError} for an alias the policy does not define.
 * @example
 * resolveAccount(policy, 'prod'); // '222222222222'
 */
export function resolveAccount(policy: AccessPolicy, account: string): string {
  if (ACCOUNT_ID.test(account)) return account;
  const resolved = policy.aliases.get(account);
  if (!resolved) {
    throw new ValidationError(
      `Invalid request. accountId: "${account}" is not an alias the access policy defines`,
    );
  }
  return resolved;
}
