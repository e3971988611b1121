import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { fromStsCreds } from '@stscreds/client';
import { type DevOrg, startDevOrg } from '@stscreds/devorg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTargetBuckets } from '../src/listTargetBuckets.ts';

let org: DevOrg;
let stateDir: string;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'stscreds-example-'));
  org = await startDevOrg({ stateDir });
  org.logger.setLogLevel('SILENT');
});
afterAll(async () => {
  await org?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe('the consumer Lambda', () => {
  it.each([
    ['prod', 'stscreds-dev-prod-222222222222'],
    ['staging', 'stscreds-dev-staging-333333333333'],
  ])('lists the buckets of %s, and only those', async (target, bucket) => {
    // alice's keys stand in for the function's execution role.
    const [alice] = org.seeded.callers;
    const s3 = new S3Client({
      region: 'us-west-2',
      endpoint: org.moto.endpoint,
      forcePathStyle: true,
      credentials: fromStsCreds({
        accountId: target,
        credentials: alice?.credentials,
        endpoint: org.lambda.endpoint,
        audience: org.broker.audience,
        sessionName: 'consumer-example',
      }),
    });
    process.env.AWS_ENDPOINT_URL_STS = org.moto.endpoint;
    try {
      expect(await listTargetBuckets(s3)).toEqual({ buckets: [bucket] });
    } finally {
      delete process.env.AWS_ENDPOINT_URL_STS;
    }
  });
});
