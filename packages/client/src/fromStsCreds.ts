import { createHash } from 'node:crypto';
import { memoize } from '@smithy/core/config';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { CredentialResponse } from '@stscreds/contract';
import { LRUCache } from 'lru-cache';
import { createCredentialRequester, type StsCredsRequestOptions } from './requestCredentials.ts';

export interface FromStsCredsOptions extends StsCredsRequestOptions {
  /** How long before Expiration to fetch new credentials. Default: 5 minutes, as the SDK does. */
  readonly refreshAheadMs?: number;
}

type Provider = (options?: { forceRefresh?: boolean }) => Promise<AwsCredentialIdentity>;

/** Credentials shared by every provider of this process that asks for the same thing as the same caller. */
const shared = new LRUCache<string, Provider>({ max: 256 });

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

const hash = (text: string | undefined): string | undefined =>
  text === undefined ? undefined : createHash('sha256').update(text).digest('hex');

/**
 * An AWS SDK v3 credential provider that gets credentials for another account from the
 * getSTScreds broker. It proves the caller's identity automatically, refreshes ahead of
 * Expiration, makes one invoke for any number of concurrent calls, and shares credentials
 * across the process among providers asking the same thing as the same caller.
 *
 * @example
 * const s3 = new S3Client({ region: 'us-west-2', credentials: fromStsCreds({ accountId: '222222222222' }) });
 */
export function fromStsCreds(options: FromStsCredsOptions): AwsCredentialIdentityProvider {
  const requester = createCredentialRequester(options);
  const refreshAheadMs = options.refreshAheadMs ?? 5 * 60 * 1000;
  const fetchOnce = async () => toIdentity(await requester.request());
  const isExpired = (credentials: AwsCredentialIdentity): boolean =>
    (credentials.expiration?.getTime() ?? 0) - Date.now() <= refreshAheadMs;

  return async (properties?: Record<string, unknown>) => {
    const caller = await requester.callerCredentials();
    const key = JSON.stringify([
      caller.accessKeyId,
      options.functionName ?? 'getSTScreds',
      options.region ?? 'us-west-2',
      options.endpoint,
      options.functionUrl,
      options.accountId,
      options.roleName,
      options.sessionName,
      options.durationSeconds,
      hash(options.policy),
      options.policyArns,
      refreshAheadMs,
    ]);
    let provider = shared.get(key);
    if (!provider) {
      provider = memoize(fetchOnce, isExpired);
      shared.set(key, provider);
    }
    return provider({ forceRefresh: properties?.forceRefresh === true });
  };
}
