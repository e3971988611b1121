import { StandardRetryStrategy } from '@smithy/core/retry';

/** Attempts in all, as the broker's STS client makes for AssumeRole (createStsClient). */
const PROOF_ATTEMPTS = 3;

/**
 * The retry strategy of identity-proof verification: the SDK's standard mode, with its
 * backoff and its retry quota, and as many attempts as the broker's AssumeRole. The quota lives
 * in the strategy: one broker keeps one for all its requests, so that a burst of STS faults
 * drains it and later requests stop adding retries to an STS that is already failing.
 *
 * @example
 * const retryStrategy = proofRetryStrategy();
 * await verifyIdentityProof(proof, { ...rules, retryStrategy });
 */
export function proofRetryStrategy(): StandardRetryStrategy {
  return new StandardRetryStrategy(PROOF_ATTEMPTS);
}
