import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { buildIdentityProof } from '@stscreds/client';
import type { CredentialRequestInput } from '@stscreds/contract';
import { assumeBrokerRole, type DevOrg, type DevUser } from '@stscreds/devorg';
import { median, percentile } from './stats.ts';

export interface Warm {
  readonly cacheHitP50Us: number;
  readonly cacheHitP99Us: number;
  readonly cacheHits: number;
  readonly missMs: number;
  readonly directMs: number;
  readonly missRatio: number;
  readonly missRuns: number;
}

/** Runs `work` with stdout swallowed: the broker's log lines are part of its cost, not of the report. */
const quietly = async <T>(work: () => Promise<T>): Promise<T> => {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
};

const context = () => ({ awsRequestId: crypto.randomUUID(), getRemainingTimeInMillis: () => 10_000 });

/**
 * Cache hits through the whole handler, in process; then whole-handler misses against moto,
 * interleaved with the same two STS calls made directly with the SDK against the same moto.
 */
export async function measureWarm(org: DevOrg, hits = 5000, missRuns = 40): Promise<Warm> {
  const alice = org.seeded.callers[0] as DevUser;
  const request = { accountId: 'prod' };
  const proof = (forRequest: CredentialRequestInput) =>
    buildIdentityProof({
      credentials: alice.credentials,
      audience: org.broker.audience,
      stsEndpoint: org.broker.stsEndpoint,
      request: forRequest,
    });
  const identity = await proof(request);
  const event = { ...request, identity };
  const first = await quietly(() => org.handler(event, context()));
  if ('error' in first) throw new Error(`the broker refused the benchmark: ${JSON.stringify(first)}`);

  const hitTimes: number[] = [];
  await quietly(async () => {
    // Unmeasured rounds first, so that the figures are of compiled code, not of the JIT at work.
    for (let i = 0; i < 2000; i += 1) await org.handler(event, context());
    for (let i = 0; i < hits; i += 1) {
      const started = process.hrtime.bigint();
      await org.handler(event, context());
      hitTimes.push(Number(process.hrtime.bigint() - started) / 1000);
    }
  });

  const asBroker = new STSClient({
    endpoint: org.moto.endpoint,
    region: 'us-west-2',
    credentials: await assumeBrokerRole(org.moto.endpoint, org.seeded),
  });
  const asAlice = new STSClient({
    endpoint: org.moto.endpoint,
    region: 'us-west-2',
    credentials: alice.credentials,
  });
  const missTimes: number[] = [];
  const directTimes: number[] = [];
  for (let i = 0; i < missRuns; i += 1) {
    // A new session name and a new signature: neither cache can answer.
    const missRequest = { accountId: 'prod', sessionName: `bench-miss-${i}` };
    const missEvent = { ...missRequest, identity: await proof(missRequest) };
    const started = performance.now();
    const answer = await quietly(() => org.handler(missEvent, context()));
    missTimes.push(performance.now() - started);
    if ('error' in answer) throw new Error(`a benchmark miss failed: ${JSON.stringify(answer)}`);
    const directStarted = performance.now();
    await asAlice.send(new GetCallerIdentityCommand({}));
    await asBroker.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::222222222222:role/lambda_sts',
        RoleSessionName: `bench-direct-${i}`,
        DurationSeconds: 3600,
      }),
    );
    directTimes.push(performance.now() - directStarted);
  }
  const missMs = median(missTimes.slice(2));
  const directMs = median(directTimes.slice(2));
  return {
    cacheHitP50Us: percentile(hitTimes, 50),
    cacheHitP99Us: percentile(hitTimes, 99),
    cacheHits: hits,
    missMs,
    directMs,
    missRatio: missMs / directMs,
    missRuns,
  };
}
