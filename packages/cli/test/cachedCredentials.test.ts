import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CredentialResponse } from '@stscreds/contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedCredentials, defaultCacheDir } from '../src/cache/cachedCredentials.ts';

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'stscreds-cache-')), 'cache');
});
afterEach(() => rm(join(dir, '..'), { recursive: true, force: true }));

let fetched = 0;
const fetchFor =
  (lifetimeMs: number, delayMs = 0) =>
  async (): Promise<CredentialResponse> => {
    fetched += 1;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return {
      Version: 1,
      AccessKeyId: `ASIAEXAMPLE${String(fetched).padStart(9, '0')}`,
      SecretAccessKey: 's',
      SessionToken: 't',
      Expiration: new Date(Date.now() + lifetimeMs).toISOString(),
      AccountId: '222222222222',
      AssumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/alice',
    };
  };
afterEach(() => {
  fetched = 0;
});

describe('cachedCredentials', () => {
  it('serves a cached credential while 15 minutes remain, from a 0600 file in a 0700 folder', async () => {
    const first = await cachedCredentials('k', fetchFor(3600_000), { dir });
    const second = await cachedCredentials('k', fetchFor(3600_000), { dir });
    expect(second).toEqual(first);
    expect(fetched).toBe(1);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const files = (await readdir(dir)).filter((name) => name.endsWith('.json'));
    expect(files).toHaveLength(1);
    expect((await stat(join(dir, files[0] ?? ''))).mode & 0o777).toBe(0o600);
  });

  it('never serves a credential with less than 15 minutes left', async () => {
    await cachedCredentials('k', fetchFor(14 * 60_000), { dir });
    await cachedCredentials('k', fetchFor(14 * 60_000), { dir });
    expect(fetched).toBe(2);
  });

  it('keeps different keys apart', async () => {
    await cachedCredentials('alice', fetchFor(3600_000), { dir });
    await cachedCredentials('bob', fetchFor(3600_000), { dir });
    expect(fetched).toBe(2);
  });

  it('makes one fetch for concurrent misses of one key', async () => {
    const all = await Promise.all(
      Array.from({ length: 20 }, () => cachedCredentials('k', fetchFor(3600_000, 50), { dir })),
    );
    expect(fetched).toBe(1);
    expect(new Set(all.map((c) => c.AccessKeyId)).size).toBe(1);
  });

  it('fetches anew over a torn file, and leaves no temporary files', async () => {
    const { writeFile } = await import('node:fs/promises');
    await cachedCredentials('k', fetchFor(3600_000), { dir });
    const [file] = (await readdir(dir)).filter((name) => name.endsWith('.json'));
    await writeFile(join(dir, file ?? ''), '{"Version":1,"AccessKeyId":');
    await cachedCredentials('k', fetchFor(3600_000), { dir });
    expect(fetched).toBe(2);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('lives under XDG_CACHE_HOME', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/stscreds');
  });
});
