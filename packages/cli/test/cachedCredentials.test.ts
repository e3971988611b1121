import { createHash } from 'node:crypto';
import {
  chmod,
  chown,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  StsCredsAccessDeniedError,
  StsCredsThrottledError,
  StsCredsUpstreamError,
  StsCredsValidationError,
} from '@stscreds/client';
import type { CredentialResponse } from '@stscreds/contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedCredentials } from '../src/cache/cachedCredentials.ts';
import { type CacheOptions, defaultCacheDir } from '../src/cache/cacheEntry.ts';

const START = Date.parse('2026-11-28T12:00:00Z');
const MINUTE = 60_000;
/** Another local user: nobody. */
const STRANGER = 65534;

let root: string;
let dir: string;
let clock: number;
let fetched: number;
let notes: string[];
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stscreds-cache-'));
  dir = join(root, 'cache');
  clock = START;
  fetched = 0;
  notes = [];
});
afterEach(() => rm(root, { recursive: true, force: true }));

const options = (extra: CacheOptions = {}): CacheOptions => ({
  dir,
  now: () => clock,
  lockPollMs: 2,
  random: () => 0.999_999,
  note: (line) => notes.push(line),
  ...extra,
});

const credentialsFor = (lifetimeMs: number, n: number): CredentialResponse => ({
  Version: 1,
  AccessKeyId: `ASIAEXAMPLE${String(n).padStart(9, '0')}`,
  SecretAccessKey: 's',
  SessionToken: 't',
  Expiration: new Date(clock + lifetimeMs).toISOString(),
  AccountId: '222222222222',
  AssumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/alice',
});

const fetchFor = (lifetimeMs: number, gate?: Promise<void>) => async (): Promise<CredentialResponse> => {
  fetched += 1;
  const n = fetched;
  await gate;
  return credentialsFor(lifetimeMs, n);
};
const failWith = (error: Error) => async (): Promise<CredentialResponse> => {
  fetched += 1;
  throw error;
};

const fileOf = (key: string) => join(dir, `${createHash('sha256').update(key).digest('hex')}.json`);
/** A cache entry as a file, as stscreds writes them. */
const plant = async (key: string, credentials: CredentialResponse, mode = 0o600) => {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(fileOf(key), JSON.stringify({ credentials, failures: 0, retryAt: 0 }), { mode });
  await chmod(fileOf(key), mode);
};
const planted = () => credentialsFor(Date.parse('2099-01-01T00:00:00Z') - START, 999);

describe('cachedCredentials', () => {
  it('serves a cached credential while 15 minutes remain, from a 0600 file in a 0700 folder', async () => {
    const first = await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    const second = await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    expect(second).toEqual(first);
    expect(fetched).toBe(1);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const files = (await readdir(dir)).filter((name) => name.endsWith('.json'));
    expect(files).toHaveLength(1);
    expect((await stat(join(dir, files[0] ?? ''))).mode & 0o777).toBe(0o600);
  });

  it('serves with exactly 15 minutes left, and never with a millisecond less while the broker answers', async () => {
    await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    clock = START + 45 * MINUTE;
    await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    expect(fetched).toBe(1);
    clock += 1;
    await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    expect(fetched).toBe(2);
  });

  it('keeps different keys apart', async () => {
    await cachedCredentials('alice', fetchFor(60 * MINUTE), options());
    await cachedCredentials('bob', fetchFor(60 * MINUTE), options());
    expect(fetched).toBe(2);
  });

  it('makes one fetch for concurrent misses of one key', async () => {
    let open = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const all = Promise.all(
      Array.from({ length: 20 }, () => cachedCredentials('k', fetchFor(60 * MINUTE, gate), options())),
    );
    setTimeout(() => open(), 20);
    const answers = await all;
    expect(fetched).toBe(1);
    expect(new Set(answers.map((c) => c.AccessKeyId)).size).toBe(1);
  });

  it('fetches anew over a torn file, and leaves no temporary files', async () => {
    await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    await writeFile(fileOf('k'), '{"credentials":{"Version":1,"AccessKeyId":');
    await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    expect(fetched).toBe(2);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('removes its temporary file when a write fails, and still answers', async () => {
    await mkdir(fileOf('k'), { recursive: true });
    const answer = await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    expect(answer.AccessKeyId).toBe('ASIAEXAMPLE000000001');
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('lives under XDG_CACHE_HOME', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/stscreds');
  });
});

describe('cachedCredentials against planted files', () => {
  it("never serves a file another user owns, even a 0600 one in the user's own folder", async () => {
    await plant('k', planted());
    await chown(fileOf('k'), STRANGER, STRANGER);
    const answer = await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    expect(answer.AccessKeyId).not.toBe(planted().AccessKeyId);
    expect(fetched).toBe(1);
  });

  it.each([0o666, 0o620, 0o602])('never serves its own file with mode %o', async (mode) => {
    await plant('k', planted(), mode);
    const answer = await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    expect(answer.AccessKeyId).not.toBe(planted().AccessKeyId);
  });

  it('never follows a symlink to a file', async () => {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const elsewhere = join(root, 'elsewhere.json');
    await writeFile(elsewhere, JSON.stringify({ credentials: planted(), failures: 0, retryAt: 0 }), {
      mode: 0o600,
    });
    await symlink(elsewhere, fileOf('k'));
    const answer = await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    expect(answer.AccessKeyId).not.toBe(planted().AccessKeyId);
  });

  it.each([
    ['world-writable (0777)', 0o777, undefined],
    ['group-writable (0770)', 0o770, undefined],
    ["another user's (0700)", 0o700, STRANGER],
  ])('neither reads nor writes a folder that is %s', async (_, mode, owner) => {
    await plant('k', planted());
    await chmod(dir, mode);
    if (owner !== undefined) {
      await chown(fileOf('k'), owner, owner);
      await chown(dir, owner, owner);
    }
    const answer = await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    expect(answer.AccessKeyId).not.toBe(planted().AccessKeyId);
    await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    expect(fetched).toBe(2);
    expect(await readdir(dir)).toEqual([`${createHash('sha256').update('k').digest('hex')}.json`]);
    expect(JSON.parse(await readFile(fileOf('k'), 'utf8')).credentials).toEqual(planted());
    expect((await stat(dir)).mode & 0o777).toBe(mode);
    expect(notes[0]).toMatch(
      /^stscreds: not using the credential cache .*: it is (group- or world-writable|owned by uid 65534, not 0)$/,
    );
  });

  it('answers without the cache when a file stands where the folder should be', async () => {
    await writeFile(dir, 'not a folder', { mode: 0o600 });
    const answer = await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    expect(answer.AccessKeyId).toBe('ASIAEXAMPLE000000001');
    expect(notes).toEqual([expect.stringMatching(/: it is not a directory$/)]);
  });

  it('never uses a folder that is a symlink', async () => {
    const elsewhere = join(root, 'elsewhere');
    await mkdir(elsewhere, { mode: 0o700 });
    await symlink(elsewhere, dir);
    await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it.each([
    ["another user's", STRANGER, 0o700],
    ['a world-writable', undefined, 0o777],
  ])('neither waits on nor writes past %s lock', async (_, owner, mode) => {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await mkdir(`${fileOf('k')}.lock`, { mode });
    await chmod(`${fileOf('k')}.lock`, mode);
    if (owner !== undefined) await chown(`${fileOf('k')}.lock`, owner, owner);
    await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    expect(fetched).toBe(1);
    expect(await readdir(dir)).toEqual([`${createHash('sha256').update('k').digest('hex')}.json.lock`]);
    expect(notes[0]).toMatch(/its lock it is/);
  });
});

describe('cachedCredentials through a broker outage', () => {
  const tenMinutesLeft = async () => {
    await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    clock = START + 50 * MINUTE;
  };

  it.each([
    ['an outage', new StsCredsUpstreamError('no broker')],
    ['throttling', new StsCredsThrottledError('slow down')],
    ['a network error', new Error('ECONNREFUSED')],
  ])('serves still-valid cached credentials through %s, then fails once they expire', async (_, error) => {
    await tenMinutesLeft();
    const served = await cachedCredentials('k', failWith(error), options());
    expect(served.AccessKeyId).toBe('ASIAEXAMPLE000000001');
    expect(fetched).toBe(2);
    expect(notes).toEqual([
      expect.stringMatching(
        /^stscreds: the broker did not answer .*serving cached credentials that expire at 2026-11-28T13:00:00.000Z$/,
      ),
    ]);
    clock = START + 60 * MINUTE;
    await expect(cachedCredentials('k', failWith(error), options())).rejects.toThrow(error);
  });

  it('asks the broker again only after a backoff that doubles, kept across processes in the file', async () => {
    await tenMinutesLeft();
    let failedAt = clock;
    for (const wait of [5_000, 10_000, 20_000]) {
      const before = fetched;
      await cachedCredentials('k', failWith(new StsCredsUpstreamError('down')), options());
      expect(fetched).toBe(before + 1);
      clock = failedAt + wait - 1;
      await cachedCredentials('k', failWith(new StsCredsUpstreamError('down')), options());
      expect(fetched).toBe(before + 1);
      clock = failedAt + wait;
      failedAt = clock;
    }
    const recovered = await cachedCredentials('k', fetchFor(60 * MINUTE), options());
    expect(recovered.AccessKeyId).toBe(`ASIAEXAMPLE${String(fetched).padStart(9, '0')}`);
    expect(JSON.parse(await readFile(fileOf('k'), 'utf8'))).toMatchObject({ failures: 0, retryAt: 0 });
  });

  it.each([
    ['AccessDenied', new StsCredsAccessDeniedError('no longer allowed')],
    ['ValidationError', new StsCredsValidationError('bad')],
  ])('drops the cached credentials on %s', async (_, error) => {
    await tenMinutesLeft();
    await expect(cachedCredentials('k', failWith(error), options())).rejects.toThrow(error);
    expect(await readdir(dir)).toEqual([]);
  });
});
