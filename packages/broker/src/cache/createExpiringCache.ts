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
 * A bounded, single-flight cache of values that expire: each entry is served while at least
 * `minRemainingMs` of its life is left, concurrent misses of a key share one fetch, and an
 * entry past its margin but not expired may still stand in when a fetch fails.
 *
 * It is a Map, which keeps its keys in insertion order: a hit moves its key to the end, so the
 * first key is always the least recently used, and the first to go past `max`. Each entry's
 * life is its value's own, read with the injected clock; a cache library's single TTL, read
 * from the system clock, could serve neither.
 *
 * @example
 * const cache = createExpiringCache<IssuedCredentials>({ max: 10_000, minRemainingMs: 15 * 60_000,
 *   expiresAt: (c) => c.expiration.getTime() });
 * const { value, outcome } = await cache.get(key, () => assumeRole(sts, input));
 */
export function createExpiringCache<V extends object>(options: ExpiringCacheOptions<V>): ExpiringCache<V> {
  const now = options.now ?? Date.now;
  const counts = { hits: 0, misses: 0, stale: 0, evictions: 0 };
  /** Least recently used first. */
  const entries = new Map<string, V>();
  /** The fetch under way for each key, shared by every caller that misses meanwhile. */
  const fetching = new Map<string, Promise<V>>();
  const servable = (value: V): boolean => options.expiresAt(value) - now() >= options.minRemainingMs;

  const keep = (key: string, value: V): void => {
    entries.delete(key);
    // A value fetched with too little life left is handed out once, never kept.
    if (!servable(value)) return;
    entries.set(key, value);
    for (const oldest of entries.keys()) {
      if (entries.size <= options.max) break;
      entries.delete(oldest);
      counts.evictions += 1;
    }
  };

  const fetchOnce = (key: string, fetch: () => Promise<V>): Promise<V> => {
    let pending = fetching.get(key);
    if (!pending) {
      // Called at once, and a throw turned into a rejection like any other failure.
      pending = (async () => fetch())()
        .then((value) => {
          keep(key, value);
          return value;
        })
        .finally(() => fetching.delete(key));
      fetching.set(key, pending);
    }
    return pending;
  };

  return {
    async get(key, fetch) {
      const cached = entries.get(key);
      if (cached && servable(cached)) {
        entries.delete(key);
        entries.set(key, cached);
        counts.hits += 1;
        return { value: cached, outcome: 'hit' };
      }
      try {
        const value = await fetchOnce(key, fetch);
        counts.misses += 1;
        return { value, outcome: 'miss' };
      } catch (error) {
        // A failed fetch leaves the entry it would have replaced, so that it can stand in.
        const fallback = entries.get(key);
        if (fallback && options.serveStaleOn?.(error) && options.expiresAt(fallback) > now()) {
          counts.stale += 1;
          return { value: fallback, outcome: 'stale' };
        }
        counts.misses += 1;
        throw error;
      }
    },
    stats: () => ({ ...counts, size: entries.size }),
  };
}
