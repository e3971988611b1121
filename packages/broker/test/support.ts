import { Logger } from '@aws-lambda-powertools/logger';
import type { BrokerConfig } from '../src/readBrokerConfig.ts';

/** Everything written to stdout and stderr while `run` runs, line by line. */
export async function captureOutput<T>(run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const original = { out: process.stdout.write, err: process.stderr.write };
  const capture = (chunk: unknown): boolean => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    return { result: await run(), lines };
  } finally {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  }
}

/** A real Powertools logger, at debug level so that nothing it could write goes unseen. */
export const verboseLogger = (): Logger => new Logger({ serviceName: 'getSTScreds', logLevel: 'DEBUG' });

export const context = (awsRequestId = '7f8e4c1a-0000-4000-8000-000000000001') => ({ awsRequestId });

export const ALICE = 'arn:aws:iam::111111111111:user/alice';

/** A policy in which alice may reach prod and staging, with aliases for both. */
export const alicePolicy = (rules: object[] = []) =>
  JSON.stringify({
    version: 1,
    aliases: { prod: '222222222222', staging: '333333333333' },
    rules: [
      ...rules,
      {
        id: 'alice',
        effect: 'allow',
        callers: [ALICE],
        accounts: ['prod', 'staging'],
        roles: ['lambda_sts', 'deploy'],
      },
    ],
  });

/** The audience of {@link testConfig}'s broker. */
export const TEST_AUDIENCE = 'stscreds-test';

export const testConfig = (overrides: Partial<BrokerConfig> = {}): BrokerConfig => ({
  region: 'us-west-2',
  partition: 'aws',
  proofPartitions: ['aws'],
  accountId: '111111111111',
  defaultRoleName: 'lambda_sts',
  audience: TEST_AUDIENCE,
  extraStsOrigins: [],
  entry: 'invoke',
  policySource: { kind: 'inline', json: alicePolicy() },
  cache: { maxEntries: 100, minRemainingMs: 15 * 60_000 },
  ...overrides,
});
