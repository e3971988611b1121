import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStsEndpoint } from '../src/resolveStsEndpoint.ts';

let dir: string;
let config: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stscreds-endpoint-'));
  config = join(dir, 'config');
  await writeFile(
    config,
    [
      '[profile dev]',
      'services = local',
      '[profile flat]',
      'endpoint_url = http://127.0.0.1:4566',
      '[default]',
      'region = eu-west-1',
      '[services local]',
      'sts =',
      '  endpoint_url = http://127.0.0.1:5000',
      '',
    ].join('\n'),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ AWS_CONFIG_FILE: config, ...extra });

describe('resolveStsEndpoint', () => {
  it('uses the regional endpoint by default, and the .cn one in China', async () => {
    const saved = process.env.AWS_CONFIG_FILE;
    process.env.AWS_CONFIG_FILE = config;
    try {
      expect(await resolveStsEndpoint({ region: 'us-west-2', env: env() })).toBe(
        'https://sts.us-west-2.amazonaws.com',
      );
      expect(await resolveStsEndpoint({ region: 'cn-north-1', env: env() })).toBe(
        'https://sts.cn-north-1.amazonaws.com.cn',
      );
      expect(await resolveStsEndpoint({ region: 'us-west-2', profile: 'dev', env: env() })).toBe(
        'http://127.0.0.1:5000',
      );
      expect(await resolveStsEndpoint({ region: 'us-west-2', env: env({ AWS_PROFILE: 'flat' }) })).toBe(
        'http://127.0.0.1:4566',
      );
      expect(
        await resolveStsEndpoint({
          region: 'us-west-2',
          profile: 'dev',
          env: env({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_ENDPOINT_URL_STS: 'http://x' }),
        }),
      ).toBe('https://sts.us-west-2.amazonaws.com');
    } finally {
      process.env.AWS_CONFIG_FILE = saved;
    }
  });

  it('prefers AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL', async () => {
    expect(
      await resolveStsEndpoint({
        region: 'us-west-2',
        env: env({ AWS_ENDPOINT_URL_STS: 'http://a', AWS_ENDPOINT_URL: 'http://b' }),
      }),
    ).toBe('http://a');
    expect(
      await resolveStsEndpoint({ region: 'us-west-2', env: env({ AWS_ENDPOINT_URL: 'http://b' }) }),
    ).toBe('http://b');
  });
});
