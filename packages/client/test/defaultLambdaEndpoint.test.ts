import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultLambdaEndpoint } from '../src/defaultLambdaEndpoint.ts';

const work = mkdtempSync(join(tmpdir(), 'stscreds-endpoint-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const NO_FILES = { AWS_CONFIG_FILE: join(work, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(work, 'none') };

describe('defaultLambdaEndpoint', () => {
  it.each([
    ['us-west-2', 'https://lambda.us-west-2.amazonaws.com'],
    ['eu-central-1', 'https://lambda.eu-central-1.amazonaws.com'],
    ['ap-southeast-5', 'https://lambda.ap-southeast-5.amazonaws.com'],
    ['cn-north-1', 'https://lambda.cn-north-1.amazonaws.com.cn'],
    ['us-gov-west-1', 'https://lambda.us-gov-west-1.amazonaws.com'],
  ])('answers the regional endpoint of %s', async (region, endpoint) => {
    expect(await defaultLambdaEndpoint({ region, env: NO_FILES })).toBe(endpoint);
  });

  it.each(['us-iso-east-1', 'us-isob-east-1', 'eusc-de-east-1', 'local', 'us-west-2.evil.example', ''])(
    'leaves %j, of another partition or none, to the SDK',
    async (region) => {
      expect(await defaultLambdaEndpoint({ region, env: NO_FILES })).toBeUndefined();
    },
  );

  it.each([
    ['AWS_USE_FIPS_ENDPOINT', { AWS_USE_FIPS_ENDPOINT: 'true' }],
    ['AWS_USE_DUALSTACK_ENDPOINT', { AWS_USE_DUALSTACK_ENDPOINT: 'TRUE' }],
  ])('leaves FIPS and dual-stack endpoints to the SDK: %s', async (_, env) => {
    expect(
      await defaultLambdaEndpoint({ region: 'us-west-2', env: { ...NO_FILES, ...env } }),
    ).toBeUndefined();
  });

  it("reads the profile's use_fips_endpoint and use_dualstack_endpoint, the environment first", async () => {
    const config = join(work, 'config');
    writeFileSync(
      config,
      '[profile fips]\nuse_fips_endpoint = true\n\n[profile dual]\nuse_dualstack_endpoint = true\n',
    );
    const env = { ...NO_FILES, AWS_CONFIG_FILE: config };
    expect(await defaultLambdaEndpoint({ region: 'us-west-2', profile: 'fips', env })).toBeUndefined();
    expect(await defaultLambdaEndpoint({ region: 'us-west-2', profile: 'dual', env })).toBeUndefined();
    expect(
      await defaultLambdaEndpoint({ region: 'us-west-2', env: { ...env, AWS_PROFILE: 'fips' } }),
    ).toBeUndefined();
    expect(
      await defaultLambdaEndpoint({
        region: 'us-west-2',
        profile: 'fips',
        env: { ...env, AWS_USE_FIPS_ENDPOINT: 'false' },
      }),
    ).toBe('https://lambda.us-west-2.amazonaws.com');
  });
});
