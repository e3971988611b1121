/**
 * The on-disk credential cache's entries: where they live, how one is read and checked, and
 * what may be served from it. Reading needs no lock; {@link ./cachedCredentials.ts} adds the
 * lock, the fetch and the writes.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
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
export interface Entry {
  readonly credentials: CredentialResponse;
  readonly failures: number;
  /** No new attempt before this time (ms since the epoch) while the credentials are valid. */
  readonly retryAt: number;
}

const hasCode = (error: unknown, code: string): boolean =>
  error instanceof Error && 'code' in error && error.code === code;

/** Whether a folder or lock can be used: missing, trusted, or a reason not to. */
export const inspect = async (
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
export const readEntry = async (path: string, uid: number | undefined): Promise<Entry | undefined> => {
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

/** The cache file of a key. */
export const entryPath = (dir: string, key: string): string =>
  join(dir, `${createHash('sha256').update(key).digest('hex')}.json`);

/** Credentials to answer without asking the broker: fresh enough, or still valid while a failed refresh backs off. */
export const servable = (
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
