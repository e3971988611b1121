import { LambdaClient } from '@aws-sdk/client-lambda';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { CredentialResponse } from '@stscreds/contract';
import { buildIdentityProof } from './buildIdentityProof.ts';
import { stsCredsErrorOf } from './errors.ts';
import { invokeBroker } from './invokeBroker.ts';
import { postFunctionUrl } from './postFunctionUrl.ts';
import { resolveRequest } from './resolveRequest.ts';

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
  /** A LambdaClient to use instead of one made from the options above. */
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
 * Prepares calls to the broker: the caller's credentials, the identity proof signed for the
 * STS endpoint the caller's SDK resolves, the Lambda client, and strict reading of the answer.
 * Contract errors are thrown as typed {@link StsCredsError}s.
 *
 * @example
 * const requester = createCredentialRequester({ accountId: 'prod', profile: 'alice' });
 * const credentials = await requester.request();
 */
export function createCredentialRequester(options: StsCredsRequestOptions): CredentialRequester {
  const provider: AwsCredentialIdentityProvider =
    typeof options.credentials === 'function'
      ? options.credentials
      : options.credentials
        ? async () => options.credentials as AwsCredentialIdentity
        : options.profile
          ? fromIni({ profile: options.profile })
          : fromNodeProviderChain();
  const resolved = resolveRequest(options);
  let lambda: Promise<LambdaClient> | undefined =
    options.lambdaClient && Promise.resolve(options.lambdaClient);
  const lambdaClient = (): Promise<LambdaClient> => {
    lambda ??= (async () => {
      const endpoint = await resolved.lambdaEndpoint();
      return new LambdaClient({
        region: resolved.region,
        credentials: provider,
        ...(options.profile && { profile: options.profile }),
        ...(endpoint && { endpoint }),
      });
    })();
    return lambda;
  };
  return {
    callerCredentials: () => provider(),
    request: async () => {
      if (options.functionUrl) {
        const answer = await postFunctionUrl(resolved.body, {
          url: options.functionUrl,
          credentials: await provider(),
          region: resolved.region,
        });
        if ('error' in answer) throw stsCredsErrorOf(answer.error);
        return answer;
      }
      const identity = await buildIdentityProof({
        credentials: await provider(),
        audience: resolved.audience(),
        region: resolved.stsRegion,
        stsEndpoint: await resolved.stsEndpoint(),
        request: resolved.body,
      });
      const endpoint = (await resolved.lambdaEndpoint()) ?? `https://lambda.${resolved.region}.amazonaws.com`;
      const answer = await invokeBroker(
        await lambdaClient(),
        resolved.functionName,
        { ...resolved.body, identity },
        endpoint,
      );
      if ('error' in answer) throw stsCredsErrorOf(answer.error);
      return answer;
    },
    cacheKey: async () => resolved.cacheKey(await provider()),
  };
}
