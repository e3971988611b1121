import type { Caller } from '../identity/caller.ts';
import type { AccessRevocation } from './accessPolicySchema.ts';
import { matchesPattern } from './matchesPattern.ts';
import type { AccessPolicy } from './parseAccessPolicy.ts';

/**
 * Whether a revocation, in force or lifted, reaches this caller's sessions in this account:
 * it covers the account, and it is role-wide or one of its patterns names the caller (its
 * exact ARN, such as a role session's, or the principal the access policy matches). An
 * unverified caller could be anyone: every revocation reaches it. An
 * unverified caller could be anyone: every revocation reaches it.
 *
 * @example
 * revocationReaches(policy, policy.revocations[0], caller, '222222222222');
 */
export function revocationReaches(
  policy: AccessPolicy,
  revocation: AccessRevocation,
  caller: Caller | undefined,
  accountId: string,
): boolean {
  const account =
    !revocation.accounts ||
    revocation.accounts.some((a) => a === '*' || a === accountId || policy.aliases.get(a) === accountId);
  if (!account) return false;
  // An unverified caller could be anyone, so, as every deny rule does, every revocation binds it.
  if (revocation.roleWide || !caller) return true;
  return (revocation.callers ?? []).some(
    (pattern) => matchesPattern(pattern, caller.arn) || matchesPattern(pattern, caller.principalArn),
  );
}
