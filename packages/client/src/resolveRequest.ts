import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { CredentialRequestInput } from '@stscreds/contract';
import { configuredEndpoint } from './configuredEndpoint.ts';
import { requestCacheKey } from './requestCacheKey.ts';
import type { StsCredsRequestOptions } from './requestCredentials.ts';
import { resolveAudience } from './resolveAudience.ts';
import { resolveStsEndpoint } from './resolveStsEndpoint.ts';

/** A request with its defaults applied, and its endpoints resolved once, when first needed. */
export interface ResolvedRequest {
  readonly region: string;
  readonly functionName: string;
  /** The audience identity proofs must sign: read when a proof is signed, and throws when there is none. */
  audience(): string;
  readonly stsRegion: string;
  /** The contract request body, exactly as it is sent. */
  readonly body: CredentialRequestInput;
  /** The configured Lambda endpoint: the option, the environment or the profile; undefined for AWS's. */
  lambdaEndpoint(): Promise<string | undefined>;
  /** The STS endpoint that the identity proof is signed for. */
  stsEndpoint(): Promise<string>;
  /** The cache key of this request made by `caller`: see {@link requestCacheKey}. */
  cacheKey(caller: AwsCredentialIdentity): Promise<string>;
}

/** Stand-ins for injected Lambda clients: one client, one broker. */
const clientIds = new WeakMap<LambdaClient, string>();
let clientsSeen = 0;
const clientId = (client: LambdaClient): string => {
  let id = clientIds.get(client);
  if (id === undefined) {
    clientsSeen += 1;
    id = `injected-client-${clientsSeen}`;
    clientIds.set(client, id);
  }
  return id;
};

/**
 * Applies a request's defaults and resolves its endpoints, without loading any AWS SDK
 * client: the CLI computes the cache key of a request from it before it decides whether
 * the broker must be asked at all.
 *
 * @example
 * const key = await resolveRequest({ accountId: 'prod', profile: 'alice' }).cacheKey(credentials);
 */
export function resolveRequest(options: StsCredsRequestOptions): ResolvedRequest {
  const region = options.region ?? 'us-west-2';
  const functionName = options.functionName ?? 'getSTScreds';
  // Read when a proof is signed: the Function URL path signs none, and needs no audience.
  const audience = (): string => resolveAudience({ audience: options.audience, functionName });
  const stsRegion = options.stsRegion ?? region;
  // Resolved once, for both the client and the cache key, so the key names the endpoint that
  // answers. The SDK reads configured endpoints for AWS_PROFILE only; a profile given here counts too.
  let lambdaEndpoint: Promise<string | undefined> | undefined;
  const resolveLambdaEndpoint = (): Promise<string | undefined> => {
    lambdaEndpoint ??= options.endpoint
      ? Promise.resolve(options.endpoint)
      : configuredEndpoint('lambda', { profile: options.profile });
    return lambdaEndpoint;
  };
  let stsEndpoint: Promise<string> | undefined;
  const resolveSts = (): Promise<string> => {
    stsEndpoint ??= resolveStsEndpoint({ region: stsRegion, profile: options.profile });
    return stsEndpoint;
  };
  const body: CredentialRequestInput = {
    accountId: options.accountId,
    ...(options.roleName && { roleName: options.roleName }),
    ...(options.sessionName && { sessionName: options.sessionName }),
    ...(options.durationSeconds && { durationSeconds: options.durationSeconds }),
    ...(options.policy && { policy: options.policy }),
    ...(options.policyArns?.length && { policyArns: [...options.policyArns] }),
  };
  return {
    region,
    functionName,
    audience,
    stsRegion,
    body,
    lambdaEndpoint: resolveLambdaEndpoint,
    stsEndpoint: resolveSts,
    cacheKey: async (caller) =>
      requestCacheKey({
        caller,
        lambdaEndpoint: options.lambdaClient
          ? clientId(options.lambdaClient)
          : ((await resolveLambdaEndpoint()) ?? `aws-default`),
        functionName,
        region,
        functionUrl: options.functionUrl,
        audience: options.functionUrl ? '' : audience(),
        stsRegion,
        stsEndpoint: options.functionUrl ? undefined : await resolveSts(),
        body,
      }),
  };
}
