import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isStsCredsRefusal, retryDelay } from '@stscreds/client';
import { type CredentialResponse, isCredentialResponse } from '@stscreds/contract';
import { untrustedReason } from './untrustedReason.ts';

/** The AWS CLI runs credential_process again once less than 15 minutes remain; never serve less while the broker answers. */
export const MIN_REMAINING_MS = 15 * 60 * 1000;

export interface CacheOptions {
  /** Default: `$XDG_CACHE_HOME/stscreds`, or `~/.cache/stscreds`. */
  readonly dir?: string;
  readonly minRemainingMs?: number;
  readonly now?: () => number;
  /** The user the cache must belong to. Default: the current one. */
  readonly uid?: number | undefined;
  /** The first wait before asking the broker again after a failed refresh. Default: 5 seconds, doubling up to `retryMaxMs`. */
  readonly retryBaseMs?: number;
  /** The longest wait between failed refreshes. Default: 1 minute. */
  readonly retryMaxMs?: number;
  /** In [0, 1): spreads retries. Default: `Math.random`. */
  readonly random?: () => number;
  /** How often a process waiting for another's fetch looks again, at most. Default: 250 ms. */
  readonly lockPollMs?: number;
  /** Told when the cache is not used (an untrusted folder) or stale credentials are served. */
  readonly note?: (line: string) => void;
}

/** The folder of the on-disk credential cache. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'stscreds');
}

/** What one cache file holds: the credentials, and how refreshing them has been failing. */
interface Entry {
  readonly credentials: CredentialResponse;
  readonly failures: number;
  /** No new attempt before this time (ms since the epoch) while the credentials are valid. */
  readonly retryAt: number;
}

const hasCode = (error: unknown, code: string): boolean =>
  error instanceof Error && 'code' in error && error.code === code;

/** Whether a folder or lock can be used: missing, trusted, or a reason not to. */
const inspect = async (
  path: string,
  kind: 'directory',
  uid: number | undefined,
): Promise<'missing' | 'trusted' | string> => {
  try {
    return untrustedReason(await lstat(path), kind, uid) ?? 'trusted';
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return 'missing';
    return `it cannot be inspected (${error instanceof Error && 'code' in error ? String(error.code) : 'error'})`;
  }
};

/** Reads an entry, checking the file itself (not what a name points to) before reading a byte. */
const readEntry = async (path: string, uid: number | undefined): Promise<Entry | undefined> => {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // O_NOFOLLOW refuses a symlink; O_NONBLOCK keeps a planted FIFO from hanging the open.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    if (untrustedReason(await handle.stat(), 'file', uid) !== undefined) return undefined;
    const parsed: unknown = JSON.parse(await handle.readFile('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { credentials, failures, retryAt } = parsed as Record<string, unknown>;
    // The contract's check, without its schema library on the path of every cache hit.
    if (!isCredentialResponse(credentials)) return undefined;
    return {
      credentials,
      failures: Number.isSafeInteger(failures) && (failures as number) > 0 ? (failures as number) : 0,
      retryAt: typeof retryAt === 'number' && Number.isFinite(retryAt) ? retryAt : 0,
    };
  } catch {
    // Unreadable or torn: fetch anew.
    return undefined;
  } finally {
    await handle.close();
  }
};

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

/** The cache file of a key. */
const entryPath = (dir: string, key: string): string =>
  join(dir, `${createHash('sha256').update(key).digest('hex')}.json`);

/** Credentials to answer without asking the broker: fresh enough, or still valid while a failed refresh backs off. */
const servable = (
  entry: Entry | undefined,
  now: number,
  minRemainingMs: number,
): CredentialResponse | undefined => {
  if (entry === undefined) return undefined;
  const remaining = Date.parse(entry.credentials.Expiration) - now;
  if (remaining >= minRemainingMs) return entry.credentials;
  if (remaining > 0 && now < entry.retryAt) return entry.credentials;
  return undefined;
};

/**
 * What {@link cachedCredentials} would answer for `key` without asking the broker, or
 * `undefined` when it would have to ask (nothing servable, or a cache it must not trust).
 * It reads, and never writes, locks or notes.
 *
 * @example
 * const hit = await peekCachedCredentials(key); // undefined: run the whole command
 */
export async function peekCachedCredentials(
  key: string,
  options: Pick<CacheOptions, 'dir' | 'minRemainingMs' | 'now' | 'uid'> = {},
): Promise<CredentialResponse | undefined> {
  const dir = options.dir ?? defaultCacheDir();
  const uid = 'uid' in options ? options.uid : process.getuid?.();
  if ((await inspect(dir, 'directory', uid)) !== 'trusted') return undefined;
  const entry = await readEntry(entryPath(dir, key), uid);
  return servable(entry, (options.now ?? Date.now)(), options.minRemainingMs ?? MIN_REMAINING_MS);
}

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
