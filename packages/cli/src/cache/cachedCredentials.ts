import { createHash, randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type CredentialResponse, credentialResponseSchema } from '@stscreds/contract';
import { lock } from 'proper-lockfile';

/** The AWS CLI runs credential_process again once less than 15 minutes remain; never serve less. */
export const MIN_REMAINING_MS = 15 * 60 * 1000;

export interface CacheOptions {
  /** Default: `$XDG_CACHE_HOME/stscreds`, or `~/.cache/stscreds`. */
  readonly dir?: string;
  readonly minRemainingMs?: number;
  readonly now?: () => number;
}

/** The folder of the on-disk credential cache. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'stscreds');
}

const readFresh = async (
  path: string,
  minRemainingMs: number,
  now: number,
): Promise<CredentialResponse | undefined> => {
  try {
    const parsed = credentialResponseSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    if (parsed.success && Date.parse(parsed.data.Expiration) - now >= minRemainingMs) return parsed.data;
  } catch {
    // Missing, unreadable or torn: fetch anew.
  }
  return undefined;
};

/**
 * Serves credentials from the on-disk cache while at least 15 minutes remain, else fetches
 * them. A lock per key makes parallel processes (Terraform, parallel CLI calls running the
 * same credential_process) wait for one fetch instead of each making their own. Files are
 * 0600 in a 0700 folder, written atomically.
 *
 * @example
 * const credentials = await cachedCredentials(JSON.stringify([caller, request]), () => requester.request());
 */
export async function cachedCredentials(
  key: string,
  fetch: () => Promise<CredentialResponse>,
  options: CacheOptions = {},
): Promise<CredentialResponse> {
  const dir = options.dir ?? defaultCacheDir();
  const minRemainingMs = options.minRemainingMs ?? MIN_REMAINING_MS;
  const now = options.now ?? Date.now;
  const path = join(dir, `${createHash('sha256').update(key).digest('hex')}.json`);
  const cached = await readFresh(path, minRemainingMs, now());
  if (cached) return cached;

  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const release = await lock(path, {
    realpath: false,
    stale: 30_000,
    retries: { retries: 300, factor: 1.2, minTimeout: 20, maxTimeout: 250 },
  });
  try {
    const fetchedMeanwhile = await readFresh(path, minRemainingMs, now());
    if (fetchedMeanwhile) return fetchedMeanwhile;
    const fresh = await fetch();
    const temporary = `${path}.${randomUUID()}.tmp`;
    try {
      await writeFile(temporary, JSON.stringify(fresh), { mode: 0o600 });
      await rename(temporary, path);
    } finally {
      await rm(temporary, { force: true });
    }
    return fresh;
  } finally {
    await release();
  }
}
