import type { AwsCredentialIdentity } from '@smithy/types';
import { isStsCredsRefusal as isRefusal } from './errors.ts';
import { retryDelay } from './retryDelay.ts';

export interface RefreshingProviderOptions {
  /** How long before Expiration to fetch new credentials. */
  readonly refreshAheadMs: number;
  /** The first wait before another refresh once one failed. Default: 2 seconds. */
  readonly retryBaseMs?: number;
  /** The longest wait between refreshes that fail. Default: 1 minute. */
  readonly retryMaxMs?: number;
  /** The clock. Default: `Date.now`. */
  readonly now?: () => number;
  /** In [0, 1): spreads the retries of many processes. Default: `Math.random`. */
  readonly random?: () => number;
}

export type RefreshingProvider = (options?: { forceRefresh?: boolean }) => Promise<AwsCredentialIdentity>;

/**
 * Memoizes a credential fetch, sharing one in-flight fetch among concurrent callers, and
 * rides out outages: once a refresh ahead of Expiration fails for any reason but a refusal
 * (AccessDenied, ValidationError), the credentials it held are served until they expire, and
 * the next refresh waits with exponential backoff and jitter. Only when no unexpired
 * credentials remain does a failure reach the caller. A refusal drops the held credentials.
 * `forceRefresh` ignores the backoff, and its failure is thrown.
 *
 * @example
 * const provider = refreshingProvider(() => fetchFromBroker(), { refreshAheadMs: 5 * 60_000 });
 */
export function refreshingProvider(
  fetch: () => Promise<AwsCredentialIdentity>,
  options: RefreshingProviderOptions,
): RefreshingProvider {
  const now = options.now ?? Date.now;
  let current: AwsCredentialIdentity | undefined;
  let inflight: Promise<AwsCredentialIdentity> | undefined;
  let failures = 0;
  let retryAt = 0;

  const remaining = (c: AwsCredentialIdentity | undefined): number =>
    c === undefined ? Number.NEGATIVE_INFINITY : (c.expiration?.getTime() ?? 0) - now();
  const backoff = (): number =>
    retryDelay(failures, {
      ...(options.retryBaseMs !== undefined && { baseMs: options.retryBaseMs }),
      ...(options.retryMaxMs !== undefined && { maxMs: options.retryMaxMs }),
      ...(options.random && { random: options.random }),
    });
  const refresh = (): Promise<AwsCredentialIdentity> => {
    inflight ??= fetch()
      .then(
        (next) => {
          current = next;
          failures = 0;
          retryAt = 0;
          return next;
        },
        (error: unknown) => {
          if (isRefusal(error)) current = undefined;
          else {
            failures += 1;
            retryAt = now() + backoff();
          }
          throw error;
        },
      )
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };

  return async ({ forceRefresh = false } = {}) => {
    const held = current;
    if (!forceRefresh && held && remaining(held) > options.refreshAheadMs) return held;
    if (!forceRefresh && held && remaining(held) > 0 && now() < retryAt) return held;
    try {
      return await refresh();
    } catch (error) {
      if (!forceRefresh && held && !isRefusal(error) && remaining(held) > 0) return held;
      throw error;
    }
  };
}
