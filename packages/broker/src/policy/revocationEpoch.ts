import type { Caller } from '../identity/caller.ts';
import type { AccessPolicy } from './parseAccessPolicy.ts';
import { revocationReaches } from './revocationReaches.ts';

/**
 * The latest `revokedAt` of every revocation, in force or lifted, that reaches this caller's
 * sessions in this account, role-wide ones included. It is part of the credential cache key:
 * credentials cached before a revocation are never served after it, even once it is lifted,
 * because the AWS side denies them. A lifted revocation leaves the policy only when every
 * session issued before it has expired, and so has every entry cached under the old key.
 *
 * @example
 * revocationEpoch(policy, caller, '222222222222'); // '2026-12-01T15:35:00Z', or null
 */
export function revocationEpoch(
  policy: AccessPolicy,
  caller: Caller | undefined,
  accountId: string,
): string | null {
  let latest: string | null = null;
  for (const r of policy.revocations) {
    if (!revocationReaches(policy, r, caller, accountId)) continue;
    if (latest === null || Date.parse(r.revokedAt) > Date.parse(latest)) latest = r.revokedAt;
  }
  return latest;
}
