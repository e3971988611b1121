import { LRUCache } from 'lru-cache';

export interface ExpiringCacheOptions<V extends object> {
  /** The most entries kept; the least recently used go first. */
  readonly max: number;
  /** When a value stops being usable at all, in epoch milliseconds. */
  readonly expiresAt: (value: V) => number;
  /** A value is served from the cache only while at least this much of its life remains. */
  readonly minRemainingMs: number;
  /**
   * When fetching fails with an error this accepts, a cached value that has not yet expired
   * is served instead, however little of its life remains. Default: never.
   */
  readonly serveStaleOn?: (error: unknown) => boolean;
  /** The clock, in epoch milliseconds. Injectable so a simulation can run a virtual day. */
  readonly now?: () => number;
}

/** Where a value came from. */
export type CacheOutcome = 'hit' | 'miss' | 'stale';

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly stale: number;
  readonly evictions: number;
  readonly size: number;
}

export interface ExpiringCache<V extends object> {
  /**
   * The cached value for `key` while enough of its life remains; else the result of
   * `fetch`, which concurrent callers for the same key share.
   */
  get(key: string, fetch: () => Promise<V>): Promise<{ readonly value: V; readonly outcome: CacheOutcome }>;
  stats(): CacheStats;
}

/**
 * A bounded, single-flight cache of values that expire, built on lru-cache's `fetch`: each
 * entry lives until only `minRemainingMs` of it is left, concurrent misses make one fetch,
 * and an entry that is past its margin but not expired may still stand in when a fetch fails.
 *
 * @example
 * const cache = createExpiringCache<IssuedCredentials>({ max: 10_000, minRemainingMs: 15 * 60_000,
 *   expiresAt: (c) => c.expiration.getTime() });
 * const { value, outcome } = await cache.get(key, () => assumeRole(sts, input));
 */
export function createExpiringCache<V extends object>(options: ExpiringCacheOptions<V>): ExpiringCache<V> {
  const now = options.now ?? Date.now;
  const counts = { hits: 0, misses: 0, stale: 0, evictions: 0 };
  const lru = new LRUCache<string, V, () => Promise<V>>({
    max: options.max,
    ttlResolution: 0,
    perf: { now },
    // A failed refresh keeps the old entry, so that it can stand in below.
    noDeleteOnFetchRejection: true,
    fetchMethod: async (_key, _stale, { options: fetchOptions, context }) => {
      const value = await context();
      // The entry lives exactly until its margin, whatever its lifetime.
      fetchOptions.ttl = Math.max(1, options.expiresAt(value) - options.minRemainingMs - now());
      return value;
    },
    dispose: (_value, _key, reason) => {
      if (reason === 'evict') counts.evictions += 1;
    },
  });

  return {
    async get(key, fetch) {
      const status: LRUCache.Status<string, V, () => Promise<V>> = {};
      try {
        const value = await lru.fetch(key, { context: fetch, status });
        if (!value) throw new Error('the cache fetched nothing');
        // A value fetched with too little life left is handed out once, never kept.
        if (options.expiresAt(value) - now() < options.minRemainingMs) lru.delete(key);
        if (status.fetch === 'hit') counts.hits += 1;
        else counts.misses += 1;
        return { value, outcome: status.fetch === 'hit' ? 'hit' : 'miss' };
      } catch (error) {
        const fallback = lru.get(key, { allowStale: true, noDeleteOnStaleGet: true });
        if (fallback && options.serveStaleOn?.(error) && options.expiresAt(fallback) > now()) {
          counts.stale += 1;
          return { value: fallback, outcome: 'stale' };
        }
        counts.misses += 1;
        throw error;
      }
    },
    stats: () => ({ ...counts, size: lru.size }),
  };
}
