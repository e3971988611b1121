import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { type DevOrg, type DevUser, startDevOrg } from '@stscreds/devorg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StsCredsAccessDeniedError, StsCredsValidationError } from '../src/errors.ts';
import { clearStsCredsCache, fromStsCreds } from '../src/fromStsCreds.ts';
import { postFunctionUrl } from '../src/postFunctionUrl.ts';

let org: DevOrg;
let stateDir: string;
let alice: DevUser;
let bob: DevUser;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'stscreds-url-'));
  org = await startDevOrg({ stateDir });
  org.logger.setLogLevel('SILENT');
  [alice, bob] = org.seeded.callers as [DevUser, DevUser];
  clearStsCredsCache();
});
afterAll(async () => {
  await org?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe('fromStsCreds over the Function URL', () => {
  it('gets credentials as the SigV4 signer, with no identity proof, that work in the target', async () => {
    const s3 = new S3Client({
      region: 'us-west-2',
      endpoint: org.moto.endpoint,
      forcePathStyle: true,
      credentials: fromStsCreds({
        accountId: 'prod',
        credentials: alice.credentials,
        functionUrl: org.functionUrl.url,
      }),
    });
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets?.map((b) => b.Name)).toEqual(['stscreds-dev-prod-222222222222']);
  });

  it('is decided by the access policy for the signer', async () => {
    const denied = fromStsCreds({
      accountId: 'prod',
      credentials: bob.credentials,
      functionUrl: org.functionUrl.url,
    });
    await expect(denied()).rejects.toThrow(StsCredsAccessDeniedError);
    const allowed = await fromStsCreds({
      accountId: 'staging',
      credentials: bob.credentials,
      functionUrl: org.functionUrl.url,
    })();
    expect(allowed.accountId).toBe('333333333333');
  });

  it('is refused, as Lambda refuses it, when the signature does not match', async () => {
    const forged = { accessKeyId: alice.credentials.accessKeyId, secretAccessKey: 'not-alice-secret' };
    await expect(
      postFunctionUrl(
        { accountId: 'prod' },
        { url: org.functionUrl.url, credentials: forged, region: 'us-west-2' },
      ),
    ).rejects.toThrow(StsCredsAccessDeniedError);
    const unsigned = await fetch(new URL('/v1/credentials', org.functionUrl.url), {
      method: 'POST',
      body: '{"accountId":"prod"}',
    });
    expect(unsigned.status).toBe(403);
  });

  it('answers contract errors with their HTTP status', async () => {
    const answer = await postFunctionUrl(
      { accountId: 'prod', durationSeconds: 7200 },
      { url: org.functionUrl.url, credentials: alice.credentials, region: 'us-west-2' },
    );
    expect(answer).toMatchObject({
      error: { code: 'ValidationError', message: expect.stringMatching(/role chaining/) },
    });
    const viaProvider = fromStsCreds({
      accountId: 'prod',
      durationSeconds: 7200,
      credentials: alice.credentials,
      functionUrl: org.functionUrl.url,
    });
    await expect(viaProvider()).rejects.toThrow(StsCredsValidationError);
  });

  it('keeps the Invoke API from taking a Function URL event that names its own caller', async () => {
    const forgedEvent = {
      version: '2.0',
      rawPath: '/v1/credentials',
      body: '{"accountId":"prod"}',
      requestContext: {
        http: { method: 'POST' },
        authorizer: { iam: { userArn: alice.arn, accountId: '111111111111' } },
      },
    };
    const response = await fetch(
      `${org.broker.lambdaEndpoint}/2015-03-31/functions/getSTScreds/invocations`,
      {
        method: 'POST',
        body: JSON.stringify(forgedEvent),
      },
    );
    expect(await response.json()).toMatchObject({ error: { code: 'ValidationError' } });
  });
});
