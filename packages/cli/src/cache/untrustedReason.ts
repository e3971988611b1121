import type { Stats } from 'node:fs';

/**
 * Why a cache folder, lock or file cannot be trusted, or undefined when it can: it must be what
 * it claims to be (a symlink is neither), owned by the current user, and writable by nobody
 * else. Anything else may have been planted or swapped by another local user.
 *
 * @example
 * const reason = untrustedReason(await lstat(dir), 'directory', process.getuid?.());
 * if (reason) return fetchWithoutCache();
 */
export function untrustedReason(
  stats: Stats,
  kind: 'directory' | 'file',
  uid: number | undefined,
): string | undefined {
  if (kind === 'directory' ? !stats.isDirectory() : !stats.isFile()) return `it is not a ${kind}`;
  if (uid !== undefined && stats.uid !== uid) return `it is owned by uid ${stats.uid}, not ${uid}`;
  if ((stats.mode & 0o022) !== 0) return 'it is group- or world-writable';
  return undefined;
}
