import { clearStsCredsCache, fromStsCreds } from '@stscreds/client';
import type { DevOrg } from '@stscreds/devorg';

export interface ClientConcurrency {
  readonly concurrentCalls: number;
  readonly invokes: number;
}

/** Many concurrent calls of one fromStsCreds provider, and the invokes of the broker they cost. */
export async function measureClient(org: DevOrg, calls = 1000): Promise<ClientConcurrency> {
  clearStsCredsCache();
  const alice = org.seeded.callers[0];
  const saved = process.env.AWS_ENDPOINT_URL_STS;
  process.env.AWS_ENDPOINT_URL_STS = org.broker.stsEndpoint;
  try {
    const provider = fromStsCreds({
      accountId: 'staging',
      credentials: alice?.credentials,
      endpoint: org.broker.lambdaEndpoint,
      audience: org.broker.audience,
    });
    const before = org.lambda.invocations();
    const results = await Promise.all(Array.from({ length: calls }, () => provider()));
    if (new Set(results.map((r) => r.accessKeyId)).size !== 1)
      throw new Error('concurrent calls got different keys');
    return { concurrentCalls: calls, invokes: org.lambda.invocations() - before };
  } finally {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
    else process.env.AWS_ENDPOINT_URL_STS = saved;
  }
}
