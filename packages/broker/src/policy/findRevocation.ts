import type { Caller } from '../identity/caller.ts';
import type { AccessRevocation } from './accessPolicySchema.ts';
import type { AccessPolicy } from './parseAccessPolicy.ts';
import { revocationReaches } from './revocationReaches.ts';

/**
 * The revocation in force that shuts this caller out of this account, if any: one that names
 * the caller and covers the account, and has not been lifted. Role-wide revocations shut
 * nobody out: they only deny sessions already issued.
 *
 * @example
 * const revoked = findRevocation(policy, caller, '222222222222');
 * if (revoked) deny(`revoked at ${revoked.revokedAt}: ${revoked.reason}`);
 */
export function findRevocation(
  policy: AccessPolicy,
  caller: Caller | undefined,
  accountId: string,
): AccessRevocation | undefined {
  return policy.revocations.find(
    (r) => !r.liftedAt && !r.roleWide && revocationReaches(policy, r, caller, accountId),
  );
}
