import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { isStsCredsRefusal, retryDelay } from '@stscreds/client';
import type { CredentialResponse } from '@stscreds/contract';
import {
  type CacheOptions,
  defaultCacheDir,
  type Entry,
  entryPath,
  inspect,
  MIN_REMAINING_MS,
  readEntry,
  servable,
} from './cacheEntry.ts';

/** Writes an entry atomically, best effort: a cache that cannot be written must not fail the answer. */
const writeEntry = async (path: string, entry: Entry): Promise<void> => {
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    // 'wx' never writes through a name someone else put there.
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(entry));
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch {
    await rm(temporary, { force: true }).catch(() => undefined);
  }
};

/**
 * Serves credentials from the on-disk cache while at least 15 minutes remain, else fetches
 * them. A lock per key makes parallel processes (Terraform, parallel CLI calls running the
 * same credential_process) wait for one fetch instead of each making their own. Files are
 * 0600 in a 0700 folder, written atomically.
 *
 * Nothing is read from a folder, lock or file that is not the current user's own, or that
 * others can write: such a cache is bypassed, neither read nor written.
 *
 * When a refresh fails for any reason but a refusal (AccessDenied, ValidationError), cached
 * credentials that have not yet expired are served, and the broker is asked again only after
 * a backoff (exponential, with jitter) that the cache file records for the next process. A
 * refusal removes the entry. Only when no unexpired credentials remain does a failure reach
 * the caller.
 *
 * @example
 * const credentials = await cachedCredentials(await requester.cacheKey(), () => requester.request());
 */
export async function cachedCredentials(
  key: string,
  fetch: () => Promise<CredentialResponse>,
  options: CacheOptions = {},
): Promise<CredentialResponse> {
  const dir = options.dir ?? defaultCacheDir();
  const minRemainingMs = options.minRemainingMs ?? MIN_REMAINING_MS;
  const now = options.now ?? Date.now;
  const uid = 'uid' in options ? options.uid : process.getuid?.();
  const note = options.note ?? (() => undefined);
  const path = entryPath(dir, key);
  const remaining = (entry: Entry): number => Date.parse(entry.credentials.Expiration) - now();
  const bypass = (reason: string): Promise<CredentialResponse> => {
    note(`stscreds: not using the credential cache ${dir}: ${reason}`);
    return fetch();
  };

  let state = await inspect(dir, 'directory', uid);
  if (state === 'trusted') {
    const cached = servable(await readEntry(path, uid), now(), minRemainingMs);
    if (cached) return cached;
  }
  if (state === 'missing') {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // Whatever is there now, made by us or raced in by someone else, must pass the same check.
    state = await inspect(dir, 'directory', uid);
  }
  if (state !== 'trusted') return bypass(state);
  const lockState = await inspect(`${path}.lock`, 'directory', uid);
  if (lockState !== 'missing' && lockState !== 'trusted') return bypass(`its lock ${lockState}`);

  const pollMs = options.lockPollMs ?? 250;
  // Loaded only on a miss: a cache hit takes no lock. A CommonJS module, read through its default.
  const { lock } = (await import('proper-lockfile')).default;
  const release = await lock(path, {
    realpath: false,
    stale: 30_000,
    retries: { retries: 300, factor: 1.2, minTimeout: Math.min(20, pollMs), maxTimeout: pollMs },
  });
  try {
    const held = await readEntry(path, uid);
    const cached = servable(held, now(), minRemainingMs);
    if (cached) return cached;
    let fresh: CredentialResponse;
    try {
      fresh = await fetch();
    } catch (error) {
      if (held && remaining(held) > 0 && !isStsCredsRefusal(error)) {
        const failures = held.failures + 1;
        const delay = retryDelay(failures, {
          baseMs: options.retryBaseMs ?? 5_000,
          ...(options.retryMaxMs !== undefined && { maxMs: options.retryMaxMs }),
          ...(options.random && { random: options.random }),
        });
        await writeEntry(path, { ...held, failures, retryAt: now() + delay });
        note(
          `stscreds: the broker did not answer (${error instanceof Error ? error.name : 'error'}); serving cached credentials that expire at ${held.credentials.Expiration}`,
        );
        return held.credentials;
      }
      if (held && isStsCredsRefusal(error)) await rm(path, { force: true });
      throw error;
    }
    await writeEntry(path, { credentials: fresh, failures: 0, retryAt: 0 });
    return fresh;
  } finally {
    await release();
  }
}
