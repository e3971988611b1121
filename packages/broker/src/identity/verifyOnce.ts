import type { VerifiedProof } from '../cache/createBrokerCaches.ts';
import type { ExpiringCache } from '../cache/createExpiringCache.ts';
import { proofCacheKey } from '../cache/proofCacheKey.ts';
import { parseAmzDate } from './parseAmzDate.ts';
import type { ProofVerifier } from './proofBinding.ts';
import { PROOF_LIFETIME_MS } from './reconstructProof.ts';

/**
 * Wraps a proof verifier so that one signed proof is verified once: a client's retries resend
 * the very same proof, and a cached verification saves each of them an STS call. An entry is
 * keyed on the signed proof and on the digest of the request it was verified for, and is kept
 * no longer than the proof's lifetime after its x-amz-date.
 *
 * @example
 * const identify = verifyOnce(caches.proofs, (proof, binding) => verifyIdentityProof(proof, { ...rules, ...binding }));
 */
export function verifyOnce(cache: ExpiringCache<VerifiedProof>, verify: ProofVerifier): ProofVerifier {
  return async (proof, binding) => {
    const amzDate = Object.entries(proof.headers).find(([name]) => name.toLowerCase() === 'x-amz-date')?.[1];
    const key = `${proofCacheKey(proof)}:${binding.requestDigest}`;
    const { value } = await cache.get(key, async () => ({
      caller: await verify(proof, binding),
      expiresAt: (parseAmzDate(amzDate) ?? 0) + PROOF_LIFETIME_MS,
    }));
    return value.caller;
  };
}
