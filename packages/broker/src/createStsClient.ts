import { STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import type { BrokerConfig } from './readBrokerConfig.ts';

/**
 * The broker's STS client: one per container, at the regional endpoint of the function's
 * region. The SDK itself honours `AWS_ENDPOINT_URL_STS` and `AWS_ENDPOINT_URL`, which is how
 * moto and LocalStack stand in for STS with no change here.
 *
 * @example
 * const sts = createStsClient(readBrokerConfig(process.env));
 */
export function createStsClient(
  config: Pick<BrokerConfig, 'region'>,
  overrides: Omit<STSClientConfig, 'region'> = {},
): STSClient {
  return new STSClient({ region: config.region, maxAttempts: 3, ...overrides });
}
