import type { IssuedCredentials } from '../assumeRole.ts';
import { ThrottledError, UpstreamError } from '../errors.ts';
import type { Caller } from '../identity/caller.ts';
import { createExpiringCache, type ExpiringCache } from './createExpiringCache.ts';

/** A verified caller, good until its proof could no longer be presented. */
export interface VerifiedProof {
  readonly caller: Caller;
  readonly expiresAt: number;
}

/** The broker's caches, exposed for its metrics and benchmarks. */
export interface BrokerCaches {
  readonly credentials: ExpiringCache<IssuedCredentials>;
  readonly proofs: ExpiringCache<VerifiedProof>;
  /** Entries both caches evicted since the last call: a sign that they are too small. */
  evictionsSinceLastCall(): number;
}

export interface BrokerCacheOptions {
  readonly maxEntries: number;
  /** Cached credentials are served only while this much of their life remains. */
  readonly minRemainingMs: number;
  readonly now: () => number;
}

/** STS being down or throttling is no reason to withhold credentials that are still valid. */
const stsUnavailable = (error: unknown): boolean =>
  error instanceof UpstreamError || error instanceof ThrottledError;

/**
 * The broker's two caches: issued credentials, which stand in for STS while it fails, and
 * verified proofs, so that a client's retry of the same signed proof costs no STS call.
 *
 * @example
 * const caches = createBrokerCaches({ maxEntries: 10_000, minRemainingMs: 900_000, now: Date.now });
 */
export function createBrokerCaches(options: BrokerCacheOptions): BrokerCaches {
  const credentials = createExpiringCache<IssuedCredentials>({
    max: options.maxEntries,
    minRemainingMs: options.minRemainingMs,
    expiresAt: (issued) => issued.expiration.getTime(),
    serveStaleOn: stsUnavailable,
    now: options.now,
  });
  const proofs = createExpiringCache<VerifiedProof>({
    max: options.maxEntries,
    minRemainingMs: 0,
    expiresAt: (verified) => verified.expiresAt,
    now: options.now,
  });
  let reported = 0;
  return {
    credentials,
    proofs,
    evictionsSinceLastCall() {
      const total = credentials.stats().evictions + proofs.stats().evictions;
      const since = total - reported;
      reported = total;
      return since;
    },
  };
}
