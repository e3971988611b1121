import type { IdentityProof } from '@stscreds/contract';
import type { VerifiedProof } from '../cache/createBrokerCaches.ts';
import type { ExpiringCache } from '../cache/createExpiringCache.ts';
import { proofCacheKey } from '../cache/proofCacheKey.ts';
import type { Caller } from './caller.ts';
import { parseAmzDate } from './parseAmzDate.ts';
import { PROOF_MAX_SKEW_MS } from './reconstructProof.ts';

const amzDateOf = (proof: IdentityProof): string | undefined =>
  Object.entries(proof.headers).find(([name]) => name.toLowerCase() === 'x-amz-date')?.[1];

/**
 * Wraps a proof verifier so that one signed proof is verified once: a client's retries resend
 * the very same proof, and a cached verification saves each of them an STS call. A
 * verification is kept no longer than the proof could be presented.
 *
 * @example
 * const identify = verifyOnce(caches.proofs, (proof) => verifyIdentityProof(proof, options));
 */
export function verifyOnce(
  cache: ExpiringCache<VerifiedProof>,
  verify: (proof: IdentityProof) => Promise<Caller>,
): (proof: IdentityProof) => Promise<Caller> {
  return async (proof) =>
    (
      await cache.get(proofCacheKey(proof), async () => ({
        caller: await verify(proof),
        expiresAt: (parseAmzDate(amzDateOf(proof)) ?? 0) + PROOF_MAX_SKEW_MS,
      }))
    ).value.caller;
}
