import { STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import type { BrokerConfig } from './readBrokerConfig.ts';

/**
 * The broker's STS client: one per container, at the regional endpoint of the function's
 * region, with bounded retries and per-attempt timeouts. The SDK itself honours `AWS_ENDPOINT_URL_STS` and `AWS_ENDPOINT_URL`, which is how
 * moto and LocalStack stand in for STS with no change here.
 *
 * @example
 * const sts = createStsClient(readBrokerConfig(process.env));
 */
export function createStsClient(
  config: Pick<BrokerConfig, 'region'>,
  overrides: Omit<STSClientConfig, 'region'> = {},
): STSClient {
  return new STSClient({
    region: config.region,
    // Three attempts with the SDK's standard backoff, each cut short: a Lambda timeout is no error code.
    maxAttempts: 3,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 },
    ...overrides,
  });
}
