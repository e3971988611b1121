import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LambdaInvokeServer, serveLambdaInvoke } from '@stscreds/devorg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchCredentials } from '../src/commands/get.ts';
import type { GlobalOptions } from '../src/globalOptions.ts';
import { type TargetInput, toRequestOptions } from '../src/requestOptions.ts';

/** A broker that answers each invoke with new credentials named after itself. */
const startBroker = (name: string) => {
  let issued = 0;
  return serveLambdaInvoke({
    functionName: 'getSTScreds',
    region: 'us-west-2',
    accountId: '111111111111',
    handler: async () => {
      issued += 1;
      return {
        Version: 1,
        AccessKeyId: `ASIABROKER${name}${String(issued).padStart(9, '0')}`,
        SecretAccessKey: `secret-${name}-${issued}`,
        SessionToken: `token-${name}-${issued}`,
        Expiration: new Date(Date.now() + 3600_000).toISOString(),
        AccountId: '222222222222',
        AssumedRoleArn: `arn:aws:sts::222222222222:assumed-role/lambda_sts/from-${name}`,
      };
    },
  });
};

let a: LambdaInvokeServer;
let b: LambdaInvokeServer;
let work: string;
let cacheDir: string;
const savedEnv = { ...process.env };

const BASE_ENV = (): Record<string, string> => ({
  AWS_SHARED_CREDENTIALS_FILE: join(work, 'credentials'),
  AWS_CONFIG_FILE: join(work, 'config-none'),
  AWS_ENDPOINT_URL_STS: 'https://sts.us-west-2.amazonaws.com',
});

beforeAll(async () => {
  [a, b] = await Promise.all([startBroker('A'), startBroker('B')]);
  work = await mkdtemp(join(tmpdir(), 'stscreds-get-key-'));
  await writeFile(
    join(work, 'credentials'),
    [
      '[alice]',
      'aws_access_key_id = AKIAALICE00000000001',
      'aws_secret_access_key = alice-secret',
      '[bob]',
      'aws_access_key_id = AKIABOB0000000000001',
      'aws_secret_access_key = bob-secret',
      '[forged]',
      'aws_access_key_id = AKIAALICE00000000001',
      'aws_secret_access_key = not-alice-secret',
      '',
    ].join('\n'),
  );
  for (const [name, broker] of [
    ['a', a],
    ['b', b],
  ] as const) {
    await writeFile(
      join(work, `config-${name}`),
      `[profile alice]\nservices = here\n\n[services here]\nlambda =\n  endpoint_url = ${broker.endpoint}\n`,
    );
  }
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await rm(work, { recursive: true, force: true });
  process.env = { ...savedEnv };
});
beforeEach(async () => {
  cacheDir = await mkdtemp(join(work, 'cache-'));
});

interface Side {
  readonly target?: Partial<TargetInput>;
  readonly globals?: Partial<GlobalOptions>;
  readonly env?: Record<string, string>;
}

const GLOBALS: GlobalOptions = {
  functionName: 'getSTScreds',
  region: 'us-west-2',
  profile: 'alice',
  audience: 'stscreds',
  verbose: false,
};

/** `stscreds get` as the command runs it, through the on-disk cache, under its own environment. */
const get = async ({ target = {}, globals = {}, env = {} }: Side = {}) => {
  const before = process.env;
  process.env = {
    ...Object.fromEntries(Object.entries(before).filter(([name]) => !name.startsWith('AWS_'))),
    ...BASE_ENV(),
    ...env,
  };
  try {
    const all = { ...GLOBALS, ...globals };
    if (all.endpoint === BROKER_A) all.endpoint = a.endpoint;
    const request = toRequestOptions({ account: '222222222222', ...target }, all);
    return (await fetchCredentials(request, all, { cache: true, cacheDir })).AccessKeyId;
  } finally {
    process.env = before;
  }
};

/** Stands for broker A's endpoint, which is known only once it listens. */
const BROKER_A = 'broker-a';
const onA = (side: Side): Side => ({ ...side, globals: { endpoint: BROKER_A, ...side.globals } });

const differing: ReadonlyArray<readonly [string, Side, Side]> = [
  ['the account', onA({}), onA({ target: { account: '333333333333' } })],
  ['the role', onA({}), onA({ target: { role: 'deploy' } })],
  ['the session name', onA({}), onA({ target: { sessionName: 'build-42' } })],
  ['the duration', onA({}), onA({ target: { duration: 900 } })],
  [
    'the policy ARNs',
    onA({ target: { policyArn: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] } }),
    onA({ target: { policyArn: ['arn:aws:iam::aws:policy/AdministratorAccess'] } }),
  ],
  ['the caller', onA({}), onA({ globals: { profile: 'bob' } })],
  ["the caller's secret, under a copied key id", onA({}), onA({ globals: { profile: 'forged' } })],
  ['the region', onA({}), onA({ globals: { region: 'eu-west-1' } })],
  ['the audience', onA({}), onA({ globals: { audience: 'other' } })],
  [
    'the STS endpoint',
    onA({}),
    onA({ env: { AWS_ENDPOINT_URL_STS: 'https://sts.eu-west-1.amazonaws.com' } }),
  ],
];

describe('stscreds get keeps its on-disk cache apart', () => {
  it('sharing one entry between runs asking the same broker the same thing as the same caller', async () => {
    const first = await get(onA({}));
    expect(await get(onA({}))).toBe(first);
  });

  it.each(differing)('for requests differing only in %s', async (_, one, other) => {
    const first = await get(one);
    expect(await get(other)).not.toBe(first);
  });
});

describe('stscreds get pointed at a second broker', () => {
  it.each([
    ['--endpoint', (url: string): Side => ({ globals: { endpoint: url } })],
    ['AWS_ENDPOINT_URL_LAMBDA', (url: string): Side => ({ env: { AWS_ENDPOINT_URL_LAMBDA: url } })],
    ['AWS_ENDPOINT_URL', (url: string): Side => ({ env: { AWS_ENDPOINT_URL: url } })],
  ])("through %s never serves the first broker's credentials, either way round", async (_, at) => {
    expect(await get(at(a.endpoint))).toMatch(/^ASIABROKERA/);
    expect(await get(at(b.endpoint))).toMatch(/^ASIABROKERB/);
    expect(await get(at(a.endpoint))).toMatch(/^ASIABROKERA/);
    expect(await get(at(b.endpoint))).toMatch(/^ASIABROKERB/);
  });

  it("through the profile's services section never serves the first broker's credentials", async () => {
    const viaConfig = (name: string): Side => ({ env: { AWS_CONFIG_FILE: join(work, name) } });
    expect(await get(viaConfig('config-a'))).toMatch(/^ASIABROKERA/);
    expect(await get(viaConfig('config-b'))).toMatch(/^ASIABROKERB/);
    const viaEnvProfile = (name: string): Side => ({
      globals: { profile: undefined },
      env: { AWS_CONFIG_FILE: join(work, name), AWS_PROFILE: 'alice' },
    });
    expect(await get(viaEnvProfile('config-a'))).toMatch(/^ASIABROKERA/);
    expect(await get(viaEnvProfile('config-b'))).toMatch(/^ASIABROKERB/);
  });

  it('shares an entry when two spellings resolve to the same broker', async () => {
    const typed = await get({ globals: { endpoint: a.endpoint } });
    expect(await get({ env: { AWS_ENDPOINT_URL_LAMBDA: a.endpoint } })).toBe(typed);
  });
});
