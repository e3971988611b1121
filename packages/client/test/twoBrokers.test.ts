import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LambdaInvokeServer, serveLambdaInvoke } from '@stscreds/devorg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clearStsCredsCache, fromStsCreds } from '../src/fromStsCreds.ts';

const CALLER = { accessKeyId: 'AKIACALLER0000000001', secretAccessKey: 'caller-secret' };
const work = join(tmpdir(), `stscreds-two-brokers-${process.pid}`);

/** A broker that answers every request with its own credentials, so that answers show who gave them. */
const startBroker = (name: 'A' | 'B') =>
  serveLambdaInvoke({
    functionName: 'getSTScreds',
    region: 'us-west-2',
    accountId: '111111111111',
    handler: async () => ({
      Version: 1,
      AccessKeyId: `ASIABROKER${name}000000000`,
      SecretAccessKey: `secret-of-broker-${name}`,
      SessionToken: `token-of-broker-${name}`,
      Expiration: new Date(Date.now() + 3600_000).toISOString(),
      AccountId: '222222222222',
      AssumedRoleArn: `arn:aws:sts::222222222222:assumed-role/lambda_sts/broker-${name}`,
    }),
  });

let a: LambdaInvokeServer;
let b: LambdaInvokeServer;
const savedEnv = { ...process.env };
beforeAll(async () => {
  [a, b] = await Promise.all([startBroker('A'), startBroker('B')]);
  await mkdir(work, { recursive: true });
  for (const [name, broker] of [
    ['a', a],
    ['b', b],
  ] as const) {
    await writeFile(
      join(work, `config-${name}`),
      `[profile caller]\nservices = here\n\n[services here]\nlambda =\n  endpoint_url = ${broker.endpoint}\n`,
    );
  }
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/stscreds-test-credentials';
  process.env.AWS_ENDPOINT_URL_STS = 'https://sts.us-west-2.amazonaws.com';
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await rm(work, { recursive: true, force: true });
  process.env = { ...savedEnv };
});
afterEach(() => clearStsCredsCache());

const askWith = async (env: Record<string, string | undefined>, profile?: string) => {
  const before = { ...process.env };
  Object.assign(process.env, env);
  try {
    return (
      await fromStsCreds({
        accountId: '222222222222',
        credentials: CALLER,
        audience: 'stscreds',
        ...(profile && { profile }),
      })()
    ).accessKeyId;
  } finally {
    process.env = before;
  }
};

describe('a provider pointed at a second broker', () => {
  it('through AWS_ENDPOINT_URL_LAMBDA is answered by that broker, both ways round', async () => {
    const none = '/nonexistent/stscreds-test-config';
    expect(await askWith({ AWS_CONFIG_FILE: none, AWS_ENDPOINT_URL_LAMBDA: a.endpoint })).toBe(
      'ASIABROKERA000000000',
    );
    const calledB = b.invocations();
    expect(await askWith({ AWS_CONFIG_FILE: none, AWS_ENDPOINT_URL_LAMBDA: b.endpoint })).toBe(
      'ASIABROKERB000000000',
    );
    expect(b.invocations()).toBe(calledB + 1);
    expect(await askWith({ AWS_CONFIG_FILE: none, AWS_ENDPOINT_URL_LAMBDA: a.endpoint })).toBe(
      'ASIABROKERA000000000',
    );
  });

  it("through the profile's services section is answered by that broker", async () => {
    expect(await askWith({ AWS_CONFIG_FILE: join(work, 'config-a') }, 'caller')).toBe('ASIABROKERA000000000');
    expect(await askWith({ AWS_CONFIG_FILE: join(work, 'config-b') }, 'caller')).toBe('ASIABROKERB000000000');
    expect(await askWith({ AWS_CONFIG_FILE: join(work, 'config-a'), AWS_PROFILE: 'caller' })).toBe(
      'ASIABROKERA000000000',
    );
    expect(await askWith({ AWS_CONFIG_FILE: join(work, 'config-b'), AWS_PROFILE: 'caller' })).toBe(
      'ASIABROKERB000000000',
    );
  });
});
