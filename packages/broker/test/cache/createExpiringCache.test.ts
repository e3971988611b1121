import { describe, expect, it } from 'vitest';
import { createExpiringCache } from '../../src/cache/createExpiringCache.ts';
import { UpstreamError } from '../../src/errors.ts';

interface Item {
  readonly id: number;
  readonly expiresAt: number;
}

const MINUTE = 60_000;

const setup = (max = 10) => {
  let clock = 1_000_000;
  let fetched = 0;
  const cache = createExpiringCache<Item>({
    max,
    minRemainingMs: 15 * MINUTE,
    expiresAt: (item) => item.expiresAt,
    serveStaleOn: (error) => error instanceof UpstreamError,
    now: () => clock,
  });
  const fetchFor =
    (lifetime = 60 * MINUTE) =>
    async (): Promise<Item> => {
      fetched += 1;
      return { id: fetched, expiresAt: clock + lifetime };
    };
  return {
    cache,
    fetchFor,
    advance: (ms: number) => {
      clock += ms;
    },
    fetched: () => fetched,
  };
};

describe('createExpiringCache', () => {
  it('serves a hit until only the margin is left, then fetches anew', async () => {
    const { cache, fetchFor, advance, fetched } = setup();
    expect(await cache.get('k', fetchFor())).toEqual({
      value: { id: 1, expiresAt: expect.any(Number) },
      outcome: 'miss',
    });
    advance(44 * MINUTE);
    expect((await cache.get('k', fetchFor())).outcome).toBe('hit');
    advance(MINUTE + 1);
    expect(await cache.get('k', fetchFor())).toMatchObject({ value: { id: 2 }, outcome: 'miss' });
    expect(fetched()).toBe(2);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it('never keeps a value that arrives with less than the margin left', async () => {
    const { cache, fetchFor, fetched } = setup();
    await cache.get('k', fetchFor(10 * MINUTE));
    await cache.get('k', fetchFor(10 * MINUTE));
    expect(fetched()).toBe(2);
  });

  it('makes one fetch for concurrent misses of one key', async () => {
    const { cache, fetchFor, fetched } = setup();
    const slow = fetchFor();
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        cache.get('k', () => new Promise<Item>((resolve) => setTimeout(() => resolve(slow()), 5))),
      ),
    );
    expect(fetched()).toBe(1);
    expect(new Set(results.map((r) => r.value.id))).toEqual(new Set([1]));
  });

  it('stands in with a value past its margin when the fetch fails as accepted, but never an expired one', async () => {
    const { cache, fetchFor, advance } = setup();
    await cache.get('k', fetchFor());
    advance(50 * MINUTE);
    const outage = async (): Promise<Item> => {
      throw new UpstreamError('STS could not be reached');
    };
    expect(await cache.get('k', outage)).toMatchObject({ value: { id: 1 }, outcome: 'stale' });
    advance(10 * MINUTE);
    await expect(cache.get('k', outage)).rejects.toThrow(UpstreamError);
    expect(cache.stats().stale).toBe(1);
  });

  it('passes other failures on, whatever it holds', async () => {
    const { cache, fetchFor, advance } = setup();
    await cache.get('k', fetchFor());
    advance(50 * MINUTE);
    await expect(
      cache.get('k', async () => {
        throw new TypeError('a bug');
      }),
    ).rejects.toThrow(TypeError);
  });

  it('keeps at most max entries, counting evictions', async () => {
    const { cache, fetchFor } = setup(3);
    for (const key of ['a', 'b', 'c', 'd', 'e']) await cache.get(key, fetchFor());
    expect(cache.stats()).toMatchObject({ size: 3, evictions: 2 });
  });

  it('evicts the least recently used: a hit makes its key the most recent', async () => {
    const { cache, fetchFor, fetched } = setup(2);
    await cache.get('a', fetchFor());
    await cache.get('b', fetchFor());
    expect((await cache.get('a', fetchFor())).outcome).toBe('hit');
    await cache.get('c', fetchFor());
    expect((await cache.get('a', fetchFor())).outcome).toBe('hit');
    expect((await cache.get('b', fetchFor())).outcome).toBe('miss');
    expect(fetched()).toBe(4);
    expect(cache.stats()).toMatchObject({ size: 2, evictions: 2 });
  });

  it('serves a value with exactly the margin left, and none past its expiry when the margin is zero', async () => {
    let clock = 1_000_000;
    const cache = createExpiringCache<Item>({
      max: 10,
      minRemainingMs: 0,
      expiresAt: (item) => item.expiresAt,
      now: () => clock,
    });
    let fetched = 0;
    const fetch = async (): Promise<Item> => ({ id: ++fetched, expiresAt: clock + 5 * MINUTE });
    await cache.get('proof', fetch);
    clock += 5 * MINUTE;
    expect((await cache.get('proof', fetch)).outcome).toBe('hit');
    clock += 1;
    expect(await cache.get('proof', fetch)).toMatchObject({ value: { id: 2 }, outcome: 'miss' });
  });

  it('keeps nothing for a key whose fetch fails, and shares the failure among concurrent callers', async () => {
    const { cache, fetchFor } = setup();
    let attempts = 0;
    const failing = () =>
      new Promise<Item>((_resolve, reject) => {
        attempts += 1;
        setTimeout(() => reject(new UpstreamError('STS could not be reached')), 5);
      });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => cache.get('k', failing)));
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    expect(attempts).toBe(1);
    expect(cache.stats()).toMatchObject({ size: 0, misses: 5 });
    // The next request fetches afresh.
    expect((await cache.get('k', fetchFor())).outcome).toBe('miss');
  });

  it('turns a fetch that throws at once into a rejection, and fetches again next time', async () => {
    const { cache, fetchFor } = setup();
    await expect(
      cache.get('k', () => {
        throw new TypeError('a bug');
      }),
    ).rejects.toThrow(TypeError);
    expect((await cache.get('k', fetchFor())).outcome).toBe('miss');
  });

  it('replaces a value past its margin with the one fetched, keeping the size', async () => {
    const { cache, fetchFor, advance } = setup();
    await cache.get('k', fetchFor());
    advance(50 * MINUTE);
    expect(await cache.get('k', fetchFor())).toMatchObject({ value: { id: 2 }, outcome: 'miss' });
    expect(await cache.get('k', fetchFor())).toMatchObject({ value: { id: 2 }, outcome: 'hit' });
    expect(cache.stats()).toMatchObject({ size: 1, evictions: 0 });
  });
});
