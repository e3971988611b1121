import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { partitionOf } from '../partitionOf.ts';

export interface LiveIamClientsOptions {
  /** The region for STS; IAM itself is global. */
  readonly region: string;
  /** The shared-config profile to start from. @default - the SDK's default chain */
  readonly profile?: string | undefined;
  /** The role assumed in every other account to read its IAM roles. @default 'OrganizationAccountAccessRole' */
  readonly readRoleName?: string;
  /** An endpoint for IAM and STS, such as a local moto. @default - the SDK's */
  readonly endpoint?: string | undefined;
  /** Start from these credentials instead of a profile. @default - the profile or the chain */
  readonly credentials?: AwsCredentialIdentityProvider;
}

/**
 * Makes IAM clients for any account: the caller's own credentials in their own account,
 * and a session of a read role (by default the `OrganizationAccountAccessRole` every member
 * account has) in each other one.
 *
 * @example
 * const iamFor = liveIamClients({ region: 'us-west-2', profile: 'audit' });
 * const iam = await iamFor('222222222222');
 */
export function liveIamClients(options: LiveIamClientsOptions): (accountId: string) => Promise<IAMClient> {
  return liveClientsFor(options, (config) => new IAMClient(config));
}

/**
 * The same for Lambda clients, in the options' region: to read the broker's functions.
 *
 * @example
 * const lambdaFor = liveLambdaClients({ region: 'us-west-2', profile: 'audit' });
 */
export function liveLambdaClients(
  options: LiveIamClientsOptions,
): (accountId: string) => Promise<LambdaClient> {
  return liveClientsFor(options, (config) => new LambdaClient(config));
}

interface ClientConfig {
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials: AwsCredentialIdentityProvider;
}

const liveClientsFor = <T>(
  options: LiveIamClientsOptions,
  construct: (config: ClientConfig) => T,
): ((accountId: string) => Promise<T>) => {
  const base =
    options.credentials ??
    (options.profile ? fromIni({ profile: options.profile }) : fromNodeProviderChain());
  const config = { region: options.region, ...(options.endpoint && { endpoint: options.endpoint }) };
  let home: Promise<string | undefined> | undefined;
  const homeAccount = () => {
    home ??= new STSClient({ ...config, credentials: base })
      .send(new GetCallerIdentityCommand({}))
      .then((identity) => identity.Account);
    return home;
  };
  const clients = new Map<string, T>();
  return async (accountId) => {
    const known = clients.get(accountId);
    if (known) return known;
    const credentials =
      accountId === (await homeAccount())
        ? base
        : fromTemporaryCredentials({
            params: {
              RoleArn: `arn:${partitionOf(options.region)}:iam::${accountId}:role/${options.readRoleName ?? 'OrganizationAccountAccessRole'}`,
              RoleSessionName: 'stscreds-verify',
            },
            masterCredentials: base,
            clientConfig: config,
          });
    const client = construct({ ...config, credentials });
    clients.set(accountId, client);
    return client;
  };
};
