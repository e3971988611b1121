import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { staticCallerCredentials } from '../src/cache/staticCallerCredentials.ts';

const dir = mkdtempSync(join(tmpdir(), 'stscreds-static-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

const KEYS = (id: string) => `aws_access_key_id = ${id}\naws_secret_access_key = secret${id}\n`;

interface Case {
  readonly name: string;
  readonly credentials: string;
  readonly config: string;
  readonly env: Record<string, string>;
  readonly profile?: string;
  /** The key id the fast path must answer, with the credentials the SDK also resolves, or undefined to defer to the SDK. */
  readonly expected: string | undefined;
}

const CASES: readonly Case[] = [
  {
    name: 'a profile of static keys',
    credentials: `[alice]\n${KEYS('AKIAALICE')}`,
    config: '',
    env: {},
    profile: 'alice',
    expected: 'AKIAALICE',
  },
  {
    name: 'a profile of temporary keys with their session token',
    credentials: `[alice]\n${KEYS('ASIAALICE')}aws_session_token = tokenALICE\n`,
    config: '',
    env: {},
    profile: 'alice',
    expected: 'ASIAALICE',
  },
  {
    name: 'the environment keys with their session token',
    credentials: '',
    config: '',
    env: { AWS_ACCESS_KEY_ID: 'ASIAENV', AWS_SECRET_ACCESS_KEY: 'secretenv', AWS_SESSION_TOKEN: 'tokenenv' },
    expected: 'ASIAENV',
  },
  {
    name: 'a named profile over the environment keys',
    credentials: `[alice]\n${KEYS('AKIAALICE')}`,
    config: '',
    env: { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'secretenv' },
    profile: 'alice',
    expected: 'AKIAALICE',
  },
  {
    name: 'the environment keys over the default profile',
    credentials: `[default]\n${KEYS('AKIADEFAULT')}`,
    config: '',
    env: { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'secretenv' },
    expected: 'AKIAENV',
  },
  {
    name: 'the default profile without environment keys',
    credentials: `[default]\n${KEYS('AKIADEFAULT')}`,
    config: '',
    env: { AWS_ACCESS_KEY_ID: 'AKIAHALF' },
    expected: 'AKIADEFAULT',
  },
  {
    name: 'the credentials file over the config file',
    credentials: `[alice]\n${KEYS('AKIAFROMCREDENTIALS')}`,
    config: `[profile alice]\n${KEYS('AKIAFROMCONFIG')}`,
    env: {},
    profile: 'alice',
    expected: 'AKIAFROMCREDENTIALS',
  },
  {
    name: 'keys in the config file alone',
    credentials: '',
    config: `[profile alice]\n${KEYS('AKIAFROMCONFIG')}`,
    env: {},
    profile: 'alice',
    expected: 'AKIAFROMCONFIG',
  },
  {
    name: 'a profile that assumes a role from static keys',
    credentials: `[base]\n${KEYS('AKIABASE')}[alice]\n${KEYS('AKIAALICE')}`,
    config: '[profile alice]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\n',
    env: {},
    profile: 'alice',
    expected: undefined,
  },
  {
    name: 'a profile of keys without their secret',
    credentials: '[alice]\naws_access_key_id = AKIAHALF\n',
    config: '',
    env: {},
    profile: 'alice',
    expected: undefined,
  },
  {
    name: 'a profile with a credential process',
    credentials: '',
    config: '[profile alice]\ncredential_process = /bin/false\n',
    env: {},
    profile: 'alice',
    expected: undefined,
  },
  {
    name: 'no profile and no keys',
    credentials: '',
    config: '',
    env: {},
    profile: 'nobody',
    expected: undefined,
  },
];

const setUp = (c: Case, index: number): void => {
  const credentials = join(dir, `credentials-${index}`);
  const config = join(dir, `config-${index}`);
  writeFileSync(credentials, c.credentials);
  writeFileSync(config, c.config);
  for (const name of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'])
    vi.stubEnv(name, undefined);
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', credentials);
  vi.stubEnv('AWS_CONFIG_FILE', config);
  for (const [name, value] of Object.entries(c.env)) vi.stubEnv(name, value);
};

describe('staticCallerCredentials', () => {
  CASES.forEach((c, index) => {
    it(`answers what the SDK resolves, or defers to it: ${c.name}`, async () => {
      setUp(c, index);
      const fast = await staticCallerCredentials(c.profile);
      expect(fast?.accessKeyId).toBe(c.expected);
      if (fast !== undefined) {
        // The CLI asks the SDK exactly so: fromIni for a profile, else the default chain.
        const provider = c.profile ? fromIni({ profile: c.profile }) : fromNodeProviderChain();
        const resolved = await provider();
        expect({ ...fast }).toEqual({
          accessKeyId: resolved.accessKeyId,
          secretAccessKey: resolved.secretAccessKey,
          ...(resolved.sessionToken && { sessionToken: resolved.sessionToken }),
        });
      }
    });
  });
});
