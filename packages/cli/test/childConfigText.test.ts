import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/core/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childConfigText } from '../src/server/childConfigText.ts';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'stscreds-child-config-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

const USER_CONFIG = `[default]
region = eu-west-1
aws_access_key_id = AKIAUSER000000000001
aws_secret_access_key = user-secret
services = local
s3 =
  addressing_style = path

[profile ci]
region = eu-central-1
role_arn = arn:aws:iam::111111111111:role/ci
source_profile = default
credential_source = Environment
credential_process = /usr/bin/false
sso_session = corp
sso_account_id = 111111111111
web_identity_token_file = /t
endpoint_url = http://127.0.0.1:4566

[services local]
sts =
  endpoint_url = http://127.0.0.1:5000
lambda =
  endpoint_url = http://127.0.0.1:5001
`;

/** Both sides as the JavaScript SDK's loader reads them. */
const read = async (name: string, text: string) => {
  const path = join(work, name);
  await writeFile(path, text);
  return (
    await loadSharedConfigFiles({ configFilepath: path, filepath: join(work, 'none'), ignoreCache: true })
  ).configFile;
};

describe('childConfigText', () => {
  it("keeps the default profile's region, endpoints and services section, and none of its keys", async () => {
    const user = await read('user-1', USER_CONFIG);
    const child = await read('child-1', childConfigText(user, 'default'));
    expect(child).toEqual({
      default: { region: 'eu-west-1', services: 'local', 's3.addressing_style': 'path' },
      'services.local': {
        'sts.endpoint_url': 'http://127.0.0.1:5000',
        'lambda.endpoint_url': 'http://127.0.0.1:5001',
      },
    });
  });

  it("keeps a named profile's region and endpoint as the child's default, and no way to credentials", async () => {
    const child = await read('child-2', childConfigText(await read('user-2', USER_CONFIG), 'ci'));
    expect(child).toEqual({ default: { region: 'eu-central-1', endpoint_url: 'http://127.0.0.1:4566' } });
  });

  it('gives a bare default profile when the profile does not exist', async () => {
    expect(childConfigText(await read('user-3', USER_CONFIG), 'missing')).toBe('[default]\n');
  });

  it('copies no value that could open a section or a setting', () => {
    const text = childConfigText(
      {
        default: {
          region: 'eu-west-1\n[profile x]',
          endpoint_url: 'http://[::1]:4566',
          services: 'a b',
          's3.x\ny': 'v',
        },
      },
      'default',
    );
    expect(text).toBe('[default]\nendpoint_url = http://[::1]:4566\n');
  });
});
