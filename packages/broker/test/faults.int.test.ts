import { Logger } from '@aws-lambda-powertools/logger';
import { buildIdentityProof } from '@stscreds/client';
import { credentialResponseSchema } from '@stscreds/contract';
import {
  assumeBrokerRole,
  type DevUser,
  type FaultProxy,
  type MotoServer,
  type SeededOrganization,
  seedOrganization,
  startFaultProxy,
  startMotoServer,
} from '@stscreds/devorg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBroker } from '../src/createBroker.ts';
import { createStsClient } from '../src/createStsClient.ts';
import { loadAccessPolicy } from '../src/policy/loadAccessPolicy.ts';
import { captureOutput, testConfig } from './support.ts';

const MINUTE = 60_000;
let moto: MotoServer;
let proxy: FaultProxy;
let org: SeededOrganization;
let alice: DevUser;
let brokerCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
let clock: number;

beforeAll(async () => {
  moto = await startMotoServer();
  org = await seedOrganization(moto.endpoint);
  await moto.enforceAuth();
  [alice] = org.callers as [DevUser];
  proxy = await startFaultProxy(moto.endpoint);
  brokerCredentials = await assumeBrokerRole(moto.endpoint, org);
});
afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});
beforeEach(() => {
  proxy.setFaults({});
  clock = Date.now();
});

/** The broker with STS behind the fault proxy and a clock the test moves. */
const broker = () => {
  const config = testConfig({
    audience: 'faults',
    extraStsOrigins: [moto.endpoint],
    policySource: {
      kind: 'inline',
      json: JSON.stringify({
        version: 1,
        aliases: { prod: '222222222222' },
        rules: [
          { id: 'alice', effect: 'allow', callers: [alice.arn], accounts: ['prod'], roles: ['lambda_sts'] },
        ],
      }),
    },
  });
  return createBroker({
    config,
    sts: createStsClient(config, { endpoint: proxy.endpoint, credentials: brokerCredentials }),
    logger: new Logger({ serviceName: 'getSTScreds', logLevel: 'SILENT' }),
    loadPolicy: loadAccessPolicy(config.policySource),
    now: () => clock,
  });
};

const ask = async (run: ReturnType<typeof broker>) => {
  const identity = await buildIdentityProof({
    credentials: alice.credentials,
    audience: 'faults',
    stsEndpoint: moto.endpoint,
    signingDate: new Date(clock),
  });
  return (
    await captureOutput(() =>
      run({ accountId: 'prod', identity }, { kind: 'invoke' }, crypto.randomUUID(), 20_000),
    )
  ).result;
};

const assumeRoleFaults = () => proxy.requests.filter((r) => r.action === 'AssumeRole' && r.fault).length;

describe('the broker under STS faults', () => {
  it.each([
    ['throttling', { throttlePercent: 100 }],
    ['500 answers', { status500Percent: 100 }],
    ['503 answers', { status503Percent: 100 }],
    ['connection resets', { resetPercent: 100 }],
  ])('retries through %s and issues', async (_, faults) => {
    proxy.setFaults({ actions: ['AssumeRole'], budget: 2, ...faults });
    const answer = await ask(broker());
    expect(credentialResponseSchema.parse(answer).AccountId).toBe('222222222222');
    expect(assumeRoleFaults()).toBeGreaterThanOrEqual(2);
  });

  it('answers Throttled, with a retry hint, when STS throttles past the retries', async () => {
    proxy.setFaults({ actions: ['AssumeRole'], throttlePercent: 100 });
    const before = proxy.count('AssumeRole');
    expect(await ask(broker())).toMatchObject({
      error: { code: 'Throttled', message: expect.stringMatching(/retry after \d+ s/) },
    });
    expect(proxy.count('AssumeRole') - before).toBe(3);
  });

  it('answers UpstreamError for a truncated answer, and gives out nothing half-read', async () => {
    proxy.setFaults({ actions: ['AssumeRole'], truncatePercent: 100 });
    expect(await ask(broker())).toMatchObject({ error: { code: 'UpstreamError' } });
  });

  it('waits out a slow attempt and retries it', async () => {
    proxy.setFaults({ actions: ['AssumeRole'], latencyMs: 3500, budget: 1 });
    const answer = await ask(broker());
    expect(credentialResponseSchema.parse(answer).AccountId).toBe('222222222222');
  });

  it('serves still-valid cached credentials through an outage, and never expired ones', async () => {
    const run = broker();
    const first = credentialResponseSchema.parse(await ask(run));
    proxy.setFaults({ actions: ['AssumeRole'], status503Percent: 100 });
    clock += 50 * MINUTE; // past the 15-minute margin: the cache would ask STS again
    const during = credentialResponseSchema.parse(await ask(run));
    expect(during.AccessKeyId).toBe(first.AccessKeyId);
    expect(run.caches.credentials.stats().stale).toBe(1);
    clock = Date.parse(first.Expiration) + 1000; // expired
    expect(await ask(run)).toMatchObject({ error: { code: 'UpstreamError' } });
    proxy.setFaults({});
    const after = credentialResponseSchema.parse(await ask(run));
    expect(after.AccessKeyId).not.toBe(first.AccessKeyId);
  });
});
