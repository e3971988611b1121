import type { STSClient } from '@aws-sdk/client-sts';
import { type AssumeRoleInput, assumeRole, type IssuedCredentials } from '../assumeRole.ts';
import type { CacheOutcome, ExpiringCache } from '../cache/createExpiringCache.ts';

/** Room kept between the deadline and the STS calls, to answer with a clean error in time. */
export const DEADLINE_MARGIN_MS = 500;

export interface IssueOptions {
  readonly sts: STSClient;
  readonly cache: ExpiringCache<IssuedCredentials>;
  /** The credential cache key of `input`. */
  readonly key: string;
  /** How long the request may still take, such as Lambda's remaining time. */
  readonly deadlineMs?: number | undefined;
  /** Told how long STS took, whether it answered or failed; not called on a cache hit. */
  readonly onStsCall?: (latencyMs: number) => void;
}

/** Credentials, and where they came from. */
export interface Issued {
  readonly issued: IssuedCredentials;
  readonly outcome: CacheOutcome;
}

/**
 * Credentials for `input`: from the cache while enough of their life remains, else from STS
 * AssumeRole within the deadline. When STS fails, still-valid cached credentials stand in.
 *
 * @throws {BrokerError} mapped from the STS failure, when nothing cached can stand in.
 * @example
 * const { issued, outcome } = await issueCredentials(input, { sts, cache, key, deadlineMs: 2500 });
 */
export async function issueCredentials(input: AssumeRoleInput, options: IssueOptions): Promise<Issued> {
  const { value, outcome } = await options.cache.get(options.key, async () => {
    const started = performance.now();
    // Only a miss calls STS, so only a miss needs a deadline (and its timer).
    const abortSignal =
      options.deadlineMs === undefined
        ? undefined
        : AbortSignal.timeout(Math.max(1, Math.floor(options.deadlineMs - DEADLINE_MARGIN_MS)));
    try {
      return await assumeRole(options.sts, input, abortSignal);
    } finally {
      options.onStsCall?.(performance.now() - started);
    }
  });
  return { issued: value, outcome };
}
