import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DEV_ORG } from './defaults.ts';
import type { SeededOrganization } from './seedOrganization.ts';

/** Temporary credentials, as STS issues them. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/**
 * A session of the broker's execution role, as Lambda would hand it to the function, for
 * tests and benchmarks that build the broker themselves.
 *
 * @example
 * const credentials = await assumeBrokerRole(moto.endpoint, org);
 * createStsClient(config, { endpoint: moto.endpoint, credentials });
 */
export async function assumeBrokerRole(
  endpoint: string,
  org: SeededOrganization,
): Promise<SessionCredentials> {
  const sts = new STSClient({ endpoint, region: DEV_ORG.region, credentials: org.operator.credentials });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({ RoleArn: org.brokerRoleArn, RoleSessionName: DEV_ORG.functionName }),
  );
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
    throw new Error('moto gave no broker session');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}
