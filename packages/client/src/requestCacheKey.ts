import { createHash } from 'node:crypto';
import type { AwsCredentialIdentity } from '@smithy/types';

/** Everything that decides the broker's answer to one request, as resolved. */
export interface RequestCacheKeyParts {
  /** The caller's credentials: their key id and a digest of their secret stand for the caller. */
  readonly caller: AwsCredentialIdentity;
  /** The Lambda endpoint that answers, or a stand-in for an injected client or AWS's default. */
  readonly lambdaEndpoint: string;
  readonly functionName: string;
  /** The broker's region: it picks AWS's default endpoint and signs Function URL requests. */
  readonly region: string;
  /** When set, the broker is reached here instead of through Lambda Invoke. */
  readonly functionUrl: string | undefined;
  readonly audience: string;
  readonly stsRegion: string;
  readonly stsEndpoint: string | undefined;
  /** The contract request body, exactly as it is sent. */
  readonly body: object;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * A cache key for one broker request: a digest over the caller and every resolved part that
 * decides the answer, so that two requests share an entry only when the same caller asks the
 * same broker the same thing. The caller stands as its access key id plus a digest of its
 * secret key: an access key id belongs to one principal, and the secret keeps a forged key id
 * from reaching another's entry. No STS call is needed to compute it. A profile name alone
 * would not do: the keys under one name change (rotation, another user's file, `AWS_PROFILE`
 * pointing elsewhere), and a start-up optimisation that skips resolving the caller must still
 * key on what the credentials are, not on what they are called.
 *
 * @example
 * const key = requestCacheKey({ caller, transport: 'invoke', lambdaEndpoint, functionName, region, … });
 */
export function requestCacheKey(parts: RequestCacheKeyParts): string {
  return sha256(
    JSON.stringify([
      'stscreds-request-v1',
      parts.caller.accessKeyId,
      sha256(parts.caller.secretAccessKey),
      parts.lambdaEndpoint,
      parts.functionName,
      parts.region,
      parts.functionUrl ?? null,
      parts.audience,
      parts.stsRegion,
      parts.stsEndpoint ?? null,
      parts.body,
    ]),
  );
}
