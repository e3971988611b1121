import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Config files may hold secrets (sso_start_url, static keys), so a new one is private. */
const NEW_FILE_MODE = 0o600;
const NEW_DIR_MODE = 0o700;

const hasCode = (error: unknown, code: string): boolean =>
  error instanceof Error && 'code' in error && error.code === code;

/**
 * Reads a config file's text, answering '' when the file does not exist yet so that a first
 * `profile add` starts from an empty file. Other errors (permissions, a directory) are rethrown.
 *
 * @example
 * const text = await readConfigFile(process.env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config'));
 */
export async function readConfigFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return '';
    throw error;
  }
}

/** The file a write must replace: the target of a symlink, so that the link survives. */
const resolveTarget = async (path: string): Promise<{ target: string; mode?: number }> => {
  try {
    const target = await realpath(path);
    const stats = await stat(target);
    // Renaming over a directory or device would fail late or replace something that is not ours.
    if (!stats.isFile()) throw new Error(`${path} is not a regular file`);
    return { target, mode: stats.mode & 0o7777 };
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return { target: path };
    throw error;
  }
};

/**
 * Replaces a config file's text atomically: readers see the old file or the new one, never a
 * partial write. The parent directory is created (mode 0700) if missing. An existing file is
 * first copied to `${path}.bak`, overwriting an older backup, and the new file keeps its mode;
 * a new file gets mode 0600. If `path` is a symlink, its target is replaced and the link kept.
 *
 * The text is written to a uniquely named temp file in the same directory (so the rename cannot
 * cross file systems), synced, then renamed over the file; on any failure the temp file is
 * removed.
 *
 * @returns `backup`: the backup's path, when there was a file to back up.
 *
 * @example
 * const { backup } = await writeConfigFile(path, upsertProfile(await readConfigFile(path), 'prod', settings));
 */
export async function writeConfigFile(path: string, text: string): Promise<{ backup?: string }> {
  await mkdir(dirname(path), { recursive: true, mode: NEW_DIR_MODE });
  const { target, mode: oldMode } = await resolveTarget(path);
  let backup: string | undefined;
  if (oldMode !== undefined) {
    backup = `${path}.bak`;
    // copyFile gives the backup the original's mode, so a private file stays private.
    await copyFile(target, backup);
  }
  const mode = oldMode ?? NEW_FILE_MODE;
  const temp = join(dirname(target), `.${basename(target)}.${randomUUID()}.tmp`);
  let renamed = false;
  try {
    // 'wx' fails rather than write through a file or link someone else put at this name.
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      // The umask may have narrowed the mode given to open.
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    renamed = true;
  } finally {
    // A failed cleanup must not hide the error that made it necessary.
    if (!renamed) await rm(temp, { force: true }).catch(() => undefined);
  }
  return backup === undefined ? {} : { backup };
}
