import type { LambdaClient } from '@aws-sdk/client-lambda';
import { loadConfig } from '@smithy/core/config';
import { NODE_MAX_ATTEMPT_CONFIG_OPTIONS, StandardRetryStrategy } from '@smithy/core/retry';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { BrokerResponse, CredentialResponse } from '@stscreds/contract';
import { buildIdentityProof } from './buildIdentityProof.ts';
import { defaultLambdaEndpoint } from './defaultLambdaEndpoint.ts';
import { stsCredsErrorOf } from './errors.ts';
import { invokeFunction } from './invokeFunction.ts';
import { postFunctionUrl } from './postFunctionUrl.ts';
import { invokeFailure, readBrokerAnswer } from './readBrokerAnswer.ts';
import { type ResolvedRequest, resolveRequest } from './resolveRequest.ts';

/** What to ask the broker for, and how to reach it. */
export interface StsCredsRequestOptions {
  /** The target account id, or an alias the broker's access policy defines. */
  readonly accountId: string;
  readonly roleName?: string;
  readonly sessionName?: string;
  readonly durationSeconds?: number;
  readonly policy?: string;
  readonly policyArns?: readonly string[];
  /** The broker function. Default: `getSTScreds`. */
  readonly functionName?: string;
  /** The broker's region. Default: `us-west-2`. */
  readonly region?: string;
  /** The broker's Lambda endpoint. Default: the SDK's (`AWS_ENDPOINT_URL_LAMBDA`, the profile, or AWS). */
  readonly endpoint?: string;
  /** The caller's shared-config profile. Default: the SDK's default chain. */
  readonly profile?: string;
  /** The caller's own credentials, instead of a profile or the default chain. */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /**
   * The broker's audience, which identity proofs sign. Default: `STSCREDS_AUDIENCE`, else the
   * function's ARN when `functionName` is one (the CDK app's default audience).
   */
  readonly audience?: string;
  /** The region whose STS signs the identity proof. Default: `region`. */
  readonly stsRegion?: string;
  /**
   * A LambdaClient to use instead of the client's own signed `Invoke` call. Without it, the
   * AWS SDK's Lambda client is loaded only when the endpoint needs its rules (FIPS, dual-stack,
   * another partition).
   */
  readonly lambdaClient?: LambdaClient;
  /**
   * The broker's Function URL. With it, requests go there, signed with SigV4 for `lambda`,
   * instead of through the Lambda Invoke API with an identity proof.
   */
  readonly functionUrl?: string;
}

/** Everything a request needs that is the same from one call to the next. */
export interface CredentialRequester {
  /** The caller's current credentials, which sign the identity proof. */
  callerCredentials(): Promise<AwsCredentialIdentity>;
  /** One round trip: prove, invoke, read the answer. */
  request(): Promise<CredentialResponse>;
  /**
   * A key for caching the answer: the caller and everything that decides the answer, as
   * resolved (the Lambda endpoint that answers, the STS endpoint, the audience, …), not as
   * given. Costs no network call.
   */
  cacheKey(): Promise<string>;
}

/**
 * The caller's credentials: given, or resolved by the AWS SDK's chain (a profile's with
 * `fromIni`), whose providers load only when first asked.
 */
const callerProvider = (options: StsCredsRequestOptions): AwsCredentialIdentityProvider => {
  const given = options.credentials;
  if (typeof given === 'function') return given;
  if (given) return async () => given;
  let chain: Promise<AwsCredentialIdentityProvider> | undefined;
  return async () => {
    chain ??= import('@aws-sdk/credential-providers').then(({ fromIni, fromNodeProviderChain }) =>
      options.profile ? fromIni({ profile: options.profile }) : fromNodeProviderChain(),
    );
    return (await chain)();
  };
};

type Invoke = (payload: object, credentials: AwsCredentialIdentity) => Promise<BrokerResponse>;

/**
 * How a request reaches the broker's Invoke API: a signed call of the client's own
 * ({@link invokeFunction}) to the configured or regional endpoint; the SDK's Lambda client
 * when one is given, or when the endpoint needs the SDK's rules to resolve.
 */
const brokerInvoker = (
  options: StsCredsRequestOptions,
  resolved: ResolvedRequest,
  provider: AwsCredentialIdentityProvider,
): Invoke => {
  const { functionName, region } = resolved;
  // As many attempts as the SDK's clients make: AWS_MAX_ATTEMPTS, the profile's max_attempts, or 3.
  const retryStrategy = new StandardRetryStrategy(
    loadConfig(NODE_MAX_ATTEMPT_CONFIG_OPTIONS, { profile: options.profile }),
  );
  let sdkClient: Promise<LambdaClient> | undefined;
  const viaSdk = async (payload: object, endpoint: string | undefined): Promise<BrokerResponse> => {
    sdkClient ??= options.lambdaClient
      ? Promise.resolve(options.lambdaClient)
      : import('@aws-sdk/client-lambda').then(
          ({ LambdaClient }) =>
            new LambdaClient({
              region,
              credentials: provider,
              ...(options.profile && { profile: options.profile }),
            }),
        );
    const { invokeBroker } = await import('./invokeBroker.ts');
    return invokeBroker(await sdkClient, functionName, payload, endpoint);
  };
  return async (payload, credentials) => {
    const configured = await resolved.lambdaEndpoint();
    if (options.lambdaClient) return viaSdk(payload, configured);
    const endpoint = configured ?? (await defaultLambdaEndpoint({ region, profile: options.profile }));
    if (!endpoint) return viaSdk(payload, undefined);
    let output: Awaited<ReturnType<typeof invokeFunction>>;
    try {
      output = await invokeFunction({
        endpoint,
        region,
        functionName,
        payload: JSON.stringify(payload),
        credentials,
        retryStrategy,
      });
    } catch (error) {
      throw invokeFailure(error, functionName, endpoint);
    }
    return readBrokerAnswer(output, functionName);
  };
};

/**
 * Prepares calls to the broker: the caller's credentials, the identity proof signed for the
 * STS endpoint the caller's SDK resolves, the signed Invoke call, and strict reading of the
 * answer. Contract errors are thrown as typed {@link StsCredsError}s.
 *
 * @example
 * const requester = createCredentialRequester({ accountId: 'prod', profile: 'alice' });
 * const credentials = await requester.request();
 */
export function createCredentialRequester(options: StsCredsRequestOptions): CredentialRequester {
  const provider = callerProvider(options);
  const resolved = resolveRequest(options);
  const invoke = brokerInvoker(options, resolved, provider);
  return {
    callerCredentials: () => provider(),
    request: async () => {
      const credentials = await provider();
      if (options.functionUrl) {
        const answer = await postFunctionUrl(resolved.body, {
          url: options.functionUrl,
          credentials,
          region: resolved.region,
        });
        if ('error' in answer) throw stsCredsErrorOf(answer.error);
        return answer;
      }
      const identity = await buildIdentityProof({
        credentials,
        audience: resolved.audience(),
        region: resolved.stsRegion,
        stsEndpoint: await resolved.stsEndpoint(),
        request: resolved.body,
      });
      const answer = await invoke({ ...resolved.body, identity }, credentials);
      if ('error' in answer) throw stsCredsErrorOf(answer.error);
      return answer;
    },
    cacheKey: async () => resolved.cacheKey(await provider()),
  };
}
