import { type AccessPolicy, sourceIdentityOf } from '@stscreds/broker';
import type { RevocationInput } from './RevocationInput.ts';
import { RevocationNotDeliverableError } from './RevocationNotDeliverableError.ts';

/**
 * The access policy's revocations as the AWS-side documents need them: each caller ARN
 * turned into the SourceIdentity the broker stamps on its sessions, each alias into its
 * account id. A deny on SourceIdentity needs exact values, so a caller pattern, or a role
 * (whose sessions each carry their own SourceIdentity), cannot be delivered.
 *
 * @throws {RevocationNotDeliverableError} naming the revocation and the caller.
 * @example
 * const inputs = revocationInputsOf(parseAccessPolicy(text));
 */
export function revocationInputsOf(policy: AccessPolicy): RevocationInput[] {
  return policy.revocations.map((r) => {
    const accountIds = r.accounts?.includes('*')
      ? undefined
      : r.accounts?.map((a) => policy.aliases.get(a) ?? a);
    const sourceIdentities = r.callers?.map((caller) => {
      if (/[*?]/.test(caller)) {
        throw new RevocationNotDeliverableError(
          `Revocation ${r.id} names the pattern ${caller}: a deny on aws:SourceIdentity needs each caller's exact ARN, or use the role-wide form`,
        );
      }
      if (/:role\//.test(caller)) {
        throw new RevocationNotDeliverableError(
          `Revocation ${r.id} names the role ${caller}: each of its sessions carries its own SourceIdentity, so name the session ARNs (arn:…:sts::…:assumed-role/…/session), or use the role-wide form`,
        );
      }
      return sourceIdentityOf(caller);
    });
    return {
      id: r.id,
      ...(sourceIdentities && { sourceIdentities }),
      ...(accountIds && { accountIds }),
      revokedAt: r.revokedAt,
      lifted: r.liftedAt !== undefined,
    };
  });
}
