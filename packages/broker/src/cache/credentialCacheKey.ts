import { createHash } from 'node:crypto';
import type { AssumeRoleInput } from '../assumeRole.ts';
import type { Caller } from '../identity/caller.ts';

const hashOf = (text: string | undefined): string | null =>
  text === undefined ? null : createHash('sha256').update(text).digest('hex');

/**
 * The key of issued credentials: everything that decides what STS would answer. Two requests
 * share an entry only when they name the same caller, account, role, session name, duration,
 * inline session policy and policy ARNs, and after the same latest revocation
 * (`revocationEpoch`), so that nothing cached before a revocation is served after it.
 * SourceIdentity and tags follow from the caller.
 *
 * @example
 * credentialCacheKey(caller, input); // '["arn:aws:iam::111111111111:user/alice","222222222222",…]'
 */
export function credentialCacheKey(
  caller: Caller | undefined,
  input: AssumeRoleInput,
  revokedAt: string | null = null,
): string {
  return JSON.stringify([
    revokedAt,
    caller?.arn ?? null,
    input.accountId,
    input.roleName,
    input.sessionName,
    input.durationSeconds,
    hashOf(input.policy),
    input.policyArns ?? [],
  ]);
}
