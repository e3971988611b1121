/** The fixed body of every identity proof: a GetCallerIdentity call in awsQuery form. */
export const GET_CALLER_IDENTITY_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

/** The signed header that binds a proof to one broker, so it cannot be replayed against another service. */
export const AUDIENCE_HEADER = 'x-stscreds-audience';

/**
 * The signed header that binds a proof to one request: the digest of the request's fields
 * (`requestDigest`), so that a proof captured for one request is refused for any other.
 */
export const REQUEST_DIGEST_HEADER = 'x-stscreds-request-digest';

/** A signed `sts:GetCallerIdentity` request, as sent in the `identity` field of a request. */
export interface IdentityProof {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}
