import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { CredentialResponse } from '@stscreds/contract';
import { LRUCache } from 'lru-cache';
import { type RefreshingProvider, refreshingProvider } from './refreshingProvider.ts';
import { createCredentialRequester, type StsCredsRequestOptions } from './requestCredentials.ts';

export interface FromStsCredsOptions extends StsCredsRequestOptions {
  /** How long before Expiration to fetch new credentials. Default: 5 minutes, as the SDK does. */
  readonly refreshAheadMs?: number;
  /** The first wait before another refresh once one failed. Default: 2 seconds, doubling up to `retryMaxMs`. */
  readonly retryBaseMs?: number;
  /** The longest wait between failed refreshes. Default: 1 minute. */
  readonly retryMaxMs?: number;
  /** The clock, for tests. Default: `Date.now`. */
  readonly now?: () => number;
}

/** Credentials shared by every provider of this process that asks the same broker the same thing as the same caller. */
const shared = new LRUCache<string, RefreshingProvider>({ max: 256 });

/** Forgets every shared credential; for tests and long-lived processes that switch callers. */
export function clearStsCredsCache(): void {
  shared.clear();
}

const toIdentity = (answer: CredentialResponse): AwsCredentialIdentity => ({
  accessKeyId: answer.AccessKeyId,
  secretAccessKey: answer.SecretAccessKey,
  sessionToken: answer.SessionToken,
  expiration: new Date(answer.Expiration),
  accountId: answer.AccountId,
});

/**
 * An AWS SDK v3 credential provider that gets credentials for another account from the
 * getSTScreds broker. It proves the caller's identity automatically, refreshes ahead of
 * Expiration, makes one invoke for any number of concurrent calls, and shares credentials
 * across the process among providers asking the same broker the same thing as the same caller
 * (the key covers every option as resolved: see `CredentialRequester.cacheKey`). When a
 * refresh fails for any reason but a refusal, it keeps serving the credentials it holds until
 * they expire, and retries with backoff.
 *
 * @example
 * const s3 = new S3Client({ region: 'us-west-2', credentials: fromStsCreds({ accountId: '222222222222' }) });
 */
export function fromStsCreds(options: FromStsCredsOptions): AwsCredentialIdentityProvider {
  const requester = createCredentialRequester(options);
  const refreshAheadMs = options.refreshAheadMs ?? 5 * 60 * 1000;
  const fetchOnce = async () => toIdentity(await requester.request());

  return async (properties?: Record<string, unknown>) => {
    const key = JSON.stringify([
      await requester.cacheKey(),
      refreshAheadMs,
      options.retryBaseMs ?? null,
      options.retryMaxMs ?? null,
    ]);
    let provider = shared.get(key);
    if (!provider) {
      provider = refreshingProvider(fetchOnce, {
        refreshAheadMs,
        ...(options.retryBaseMs !== undefined && { retryBaseMs: options.retryBaseMs }),
        ...(options.retryMaxMs !== undefined && { retryMaxMs: options.retryMaxMs }),
        ...(options.now && { now: options.now }),
      });
      shared.set(key, provider);
    }
    return provider({ forceRefresh: properties?.forceRefresh === true });
  };
}
