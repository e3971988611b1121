import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { IssuedCredentials } from '../../src/assumeRole.ts';
import { createExpiringCache } from '../../src/cache/createExpiringCache.ts';
import { UpstreamError } from '../../src/errors.ts';
import { DEADLINE_MARGIN_MS, issueCredentials } from '../../src/pipeline/issueCredentials.ts';

const stsMock = mockClient(STSClient);
afterEach(() => stsMock.reset());

const NOW = Date.UTC(2026, 0, 1, 12);
const input = {
  partition: 'aws',
  accountId: '222222222222',
  roleName: 'lambda_sts',
  sessionName: 'alice',
  durationSeconds: 3600,
};
const cache = () =>
  createExpiringCache<IssuedCredentials>({
    max: 10,
    minRemainingMs: 15 * 60_000,
    expiresAt: (issued) => issued.expiration.getTime(),
    now: () => NOW,
  });
const answer = {
  Credentials: {
    AccessKeyId: 'ASIAEXAMPLEKEYID1234',
    SecretAccessKey: 'secret',
    SessionToken: 'token',
    Expiration: new Date(NOW + 3600_000),
  },
  AssumedRoleUser: {
    Arn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/alice',
    AssumedRoleId: 'AROA:x',
  },
};

describe('issueCredentials', () => {
  it('asks STS on a miss, reports its latency, and serves the next request from the cache', async () => {
    stsMock.on(AssumeRoleCommand).resolves(answer);
    const sts = new STSClient({ region: 'us-west-2' });
    const shared = cache();
    const latencies: number[] = [];
    const options = { sts, cache: shared, key: 'k', onStsCall: (ms: number) => latencies.push(ms) };
    await expect(issueCredentials(input, options)).resolves.toMatchObject({ outcome: 'miss' });
    await expect(issueCredentials(input, options)).resolves.toMatchObject({ outcome: 'hit' });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(latencies).toHaveLength(1);
  });

  it('gives STS an abort signal only under a deadline, even one shorter than the margin or not whole', async () => {
    const signals: (AbortSignal | undefined)[] = [];
    const sts = {
      send: async (_command: unknown, options: { abortSignal?: AbortSignal }) => {
        signals.push(options.abortSignal);
        throw Object.assign(new Error('aborted'), { name: 'TimeoutError' });
      },
    } as unknown as STSClient;
    for (const deadlineMs of [DEADLINE_MARGIN_MS + 50, DEADLINE_MARGIN_MS + 50.5, 10, undefined]) {
      await expect(issueCredentials(input, { sts, cache: cache(), key: 'k', deadlineMs })).rejects.toThrow(
        UpstreamError,
      );
    }
    expect(signals.map((signal) => signal instanceof AbortSignal)).toEqual([true, true, true, false]);
  });
});
