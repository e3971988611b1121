import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readConfigFile, writeConfigFile } from '../src/config/writeConfigFile.ts';

// Lets a test make the final rename fail, to check what a failed write leaves behind.
const renameFault = vi.hoisted(() => ({ error: undefined as Error | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    rename: async (from: string, to: string) => {
      if (renameFault.error !== undefined) throw renameFault.error;
      return actual.rename(from, to);
    },
  };
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stscreds-config-'));
});

afterEach(async () => {
  renameFault.error = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('writeConfigFile', () => {
  it('creates a new file with mode 0600 in new directories with mode 0700, and no backup', async () => {
    const path = join(dir, 'home', '.aws', 'config');
    const result = await writeConfigFile(path, '[profile a]\nk = v\n');
    expect(result).toEqual({});
    expect(await readFile(path, 'utf8')).toBe('[profile a]\nk = v\n');
    expect(await modeOf(path)).toBe(0o600);
    expect(await modeOf(join(dir, 'home', '.aws'))).toBe(0o700);
    expect(await modeOf(join(dir, 'home'))).toBe(0o700);
    expect(await readdir(join(dir, 'home', '.aws'))).toEqual(['config']);
  });

  it('leaves the mode of an existing directory alone', async () => {
    await chmod(dir, 0o755);
    await writeConfigFile(join(dir, 'config'), 'x');
    expect(await modeOf(dir)).toBe(0o755);
  });

  it('backs up an existing file to PATH.bak and keeps its mode', async () => {
    const path = join(dir, 'config');
    await writeFile(path, '[default]\nregion = eu-west-1\n');
    await chmod(path, 0o640);
    const result = await writeConfigFile(path, '[default]\nregion = us-east-1\n');
    expect(result).toEqual({ backup: `${path}.bak` });
    expect(await readFile(`${path}.bak`, 'utf8')).toBe('[default]\nregion = eu-west-1\n');
    expect(await readFile(path, 'utf8')).toBe('[default]\nregion = us-east-1\n');
    expect(await modeOf(path)).toBe(0o640);
    expect(await modeOf(`${path}.bak`)).toBe(0o640);
  });

  it('keeps a mode wider than the umask would allow a new file', async () => {
    const path = join(dir, 'config');
    await writeFile(path, 'old');
    await chmod(path, 0o666);
    await writeConfigFile(path, 'new');
    expect(await modeOf(path)).toBe(0o666);
  });

  it('overwrites an older backup with the file as it was just before the write', async () => {
    const path = join(dir, 'config');
    await writeFile(`${path}.bak`, 'ancient');
    await writeConfigFile(path, 'first');
    expect(await readFile(`${path}.bak`, 'utf8')).toBe('ancient');
    await writeConfigFile(path, 'second');
    expect(await readFile(`${path}.bak`, 'utf8')).toBe('first');
    await writeConfigFile(path, 'third');
    expect(await readFile(`${path}.bak`, 'utf8')).toBe('second');
    expect(await readFile(path, 'utf8')).toBe('third');
  });

  it('leaves no temp files behind after writing', async () => {
    const path = join(dir, 'config');
    for (const text of ['a', 'b', 'c']) await writeConfigFile(path, text);
    expect((await readdir(dir)).sort()).toEqual(['config', 'config.bak']);
  });

  it('writes the text byte for byte, CRLF and non-ASCII included', async () => {
    const path = join(dir, 'config');
    const text = '\uFEFF# café\r\n[profile ü]\r\nk = v'; // no trailing newline
    await writeConfigFile(path, text);
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(await writeConfigFile(path, '')).toEqual({ backup: `${path}.bak` });
    expect(await readFile(path, 'utf8')).toBe('');
  });

  it('removes the temp file and leaves the file alone when the rename fails', async () => {
    const path = join(dir, 'config');
    await writeFile(path, 'old');
    renameFault.error = Object.assign(new Error('rename failed'), { code: 'EIO' });
    await expect(writeConfigFile(path, 'new')).rejects.toThrow('rename failed');
    expect(await readFile(path, 'utf8')).toBe('old');
    expect((await readdir(dir)).sort()).toEqual(['config', 'config.bak']);
  });

  it('removes the temp file when a new file cannot be renamed into place', async () => {
    const path = join(dir, 'config');
    renameFault.error = new Error('rename failed');
    await expect(writeConfigFile(path, 'new')).rejects.toThrow('rename failed');
    expect(await readdir(dir)).toEqual([]);
  });

  it('replaces the target of a symlink and keeps the link', async () => {
    const realDir = join(dir, 'dotfiles');
    await mkdir(realDir);
    const target = join(realDir, 'aws-config');
    await writeFile(target, 'old');
    await chmod(target, 0o600);
    const path = join(dir, 'config');
    await symlink(target, path);
    expect(await writeConfigFile(path, 'new')).toEqual({ backup: `${path}.bak` });
    expect(await readlink(path)).toBe(target);
    expect(await readFile(target, 'utf8')).toBe('new');
    expect(await readFile(`${path}.bak`, 'utf8')).toBe('old');
    expect(await readdir(realDir)).toEqual(['aws-config']);
  });

  it('rejects when the path is a directory, without creating anything', async () => {
    const path = join(dir, 'config');
    await mkdir(path);
    await expect(writeConfigFile(path, 'x')).rejects.toThrow(`${path} is not a regular file`);
    expect(await readdir(dir)).toEqual(['config']);
  });
});

describe('readConfigFile', () => {
  it("answers '' for a missing file", async () => {
    expect(await readConfigFile(join(dir, 'missing', 'config'))).toBe('');
  });

  it('reads an existing file as UTF-8', async () => {
    const path = join(dir, 'config');
    await writeFile(path, '[profile café]\r\nk = v\r\n');
    expect(await readConfigFile(path)).toBe('[profile café]\r\nk = v\r\n');
  });

  it('rethrows errors other than a missing file', async () => {
    await expect(readConfigFile(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
