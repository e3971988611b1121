export type { BuildIdentityProofOptions } from './buildIdentityProof.ts';
export { buildIdentityProof } from './buildIdentityProof.ts';
export type { ConfiguredEndpointOptions } from './configuredEndpoint.ts';
export { configuredEndpoint } from './configuredEndpoint.ts';
export {
  isStsCredsRefusal,
  StsCredsAccessDeniedError,
  StsCredsError,
  StsCredsInternalError,
  StsCredsThrottledError,
  StsCredsUpstreamError,
  StsCredsValidationError,
  stsCredsErrorOf,
} from './errors.ts';
export type { FromStsCredsOptions } from './fromStsCreds.ts';
export { clearStsCredsCache, fromStsCreds } from './fromStsCreds.ts';
export { invokeBroker } from './invokeBroker.ts';
export type { PostFunctionUrlOptions } from './postFunctionUrl.ts';
export { postFunctionUrl } from './postFunctionUrl.ts';
export type { RefreshingProvider, RefreshingProviderOptions } from './refreshingProvider.ts';
export { refreshingProvider } from './refreshingProvider.ts';
export type { RequestCacheKeyParts } from './requestCacheKey.ts';
export { requestCacheKey } from './requestCacheKey.ts';
export type { CredentialRequester, StsCredsRequestOptions } from './requestCredentials.ts';
export { createCredentialRequester } from './requestCredentials.ts';
export type { ResolveAudienceOptions } from './resolveAudience.ts';
export { resolveAudience } from './resolveAudience.ts';
export type { ResolvedRequest } from './resolveRequest.ts';
export { resolveRequest } from './resolveRequest.ts';
export type { ResolveStsEndpointOptions } from './resolveStsEndpoint.ts';
export { resolveStsEndpoint } from './resolveStsEndpoint.ts';
export type { RetryDelayOptions } from './retryDelay.ts';
export { retryDelay } from './retryDelay.ts';
