import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { buildIdentityProof } from '@stscreds/client';
import { credentialResponseSchema } from '@stscreds/contract';
import {
  assumeBrokerRole,
  type DevUser,
  type FaultProxy,
  type MotoServer,
  type SeededOrganization,
  startFaultProxy,
  startSeededMoto,
} from '@stscreds/devorg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BrokerDependencies, createBroker } from '../src/createBroker.ts';
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
  ({ moto, org } = await startSeededMoto());
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
const broker = (overrides: Partial<BrokerDependencies> = {}) => {
  const config = testConfig({
    audience: 'faults',
    extraStsOrigins: [proxy.endpoint],
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
    logger: new Logger({ serviceName: 'getSTScreds', logLevel: 'INFO' }),
    loadPolicy: loadAccessPolicy(config.policySource),
    now: () => clock,
    ...overrides,
  });
};

/** Alice asks for prod; her proof is verified through the fault proxy, so faults reach it too. */
const askLogged = async (run: ReturnType<typeof broker>) => {
  const request = { accountId: 'prod' };
  const identity = await buildIdentityProof({
    credentials: alice.credentials,
    audience: 'faults',
    stsEndpoint: proxy.endpoint,
    signingDate: new Date(clock),
    request,
  });
  return captureOutput(() => run({ ...request, identity }, { kind: 'invoke' }, crypto.randomUUID(), 20_000));
};
const ask = async (run: ReturnType<typeof broker>) => (await askLogged(run)).result;
const auditsIn = (lines: string[]) =>
  lines
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.message === 'audit')
    .map((entry) => entry.audit);

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

  it.each([
    ['throttling', { throttlePercent: 100 }],
    ['503 answers', { status503Percent: 100 }],
    ['connection resets', { resetPercent: 100 }],
  ])('retries identity-proof verification through %s and issues', async (_, faults) => {
    proxy.setFaults({ actions: ['GetCallerIdentity'], budget: 2, ...faults });
    const before = proxy.count('GetCallerIdentity');
    const answer = await ask(broker());
    expect(credentialResponseSchema.parse(answer).AccountId).toBe('222222222222');
    expect(proxy.count('GetCallerIdentity') - before).toBe(3);
  });

  it('answers Throttled when STS throttles GetCallerIdentity past the retries: no refused proof', async () => {
    proxy.setFaults({ actions: ['GetCallerIdentity'], throttlePercent: 100 });
    const metrics = new Metrics({ namespace: 'stscreds', serviceName: 'getSTScreds' });
    const before = proxy.count('GetCallerIdentity');
    const assumed = proxy.count('AssumeRole');
    const { result, lines } = await askLogged(broker({ metrics }));
    expect(result).toMatchObject({
      error: {
        code: 'Throttled',
        message: expect.stringMatching(/identity-proof verification.*retry after \d+ s$/),
      },
    });
    expect(proxy.count('GetCallerIdentity') - before).toBe(3);
    expect(proxy.count('AssumeRole')).toBe(assumed);
    const [audit] = auditsIn(lines);
    expect(audit).toMatchObject({ outcome: 'failed', code: 'Throttled' });
    expect(audit).not.toHaveProperty('ruleId');
    const emf = lines.map((line) => JSON.parse(line)).find((entry) => entry._aws);
    expect(emf).toMatchObject({ UpstreamErrors: 1 });
    expect(emf).not.toHaveProperty('ProofRejected');
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
