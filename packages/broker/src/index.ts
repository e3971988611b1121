export type { AssumeRoleInput, IssuedCredentials } from './assumeRole.ts';
export { assumeRole } from './assumeRole.ts';
export type { SessionAttribution } from './attribution/attributeSession.ts';
export { attributeSession } from './attribution/attributeSession.ts';
export type { SessionTag } from './attribution/callerTagsOf.ts';
export { CALLER_TAG, callerTagsOf } from './attribution/callerTagsOf.ts';
export { readCallerTags } from './attribution/readCallerTags.ts';
export { sessionNameFor } from './attribution/sessionNameFor.ts';
export { MAX_SOURCE_IDENTITY_CHARS, sourceIdentityOf } from './attribution/sourceIdentityOf.ts';
export type { AuditEvent } from './audit/recordAudit.ts';
export type {
  CacheOutcome,
  CacheStats,
  ExpiringCache,
  ExpiringCacheOptions,
} from './cache/createExpiringCache.ts';
export { createExpiringCache } from './cache/createExpiringCache.ts';
export { proofCacheKey } from './cache/proofCacheKey.ts';
export type { Broker, BrokerCaches, BrokerDependencies, RequestOrigin } from './createBroker.ts';
export { createBroker } from './createBroker.ts';
export type { BrokerHandler } from './createHandler.ts';
export { createHandler } from './createHandler.ts';
export { createLogger } from './createLogger.ts';
export { createStsClient } from './createStsClient.ts';
export type { ErrorDescription } from './describeError.ts';
export { describeError } from './describeError.ts';
export {
  AccessDeniedError,
  BrokerError,
  InternalError,
  ProofRefusedError,
  THROTTLED_RETRY_AFTER_SECONDS,
  ThrottledError,
  UpstreamError,
  ValidationError,
} from './errors.ts';
export {
  CREDENTIALS_PATH,
  isFunctionUrlEvent,
  readFunctionUrlRequest,
} from './http/readFunctionUrlRequest.ts';
export type { FunctionUrlResult } from './http/toFunctionUrlResult.ts';
export { toFunctionUrlResult } from './http/toFunctionUrlResult.ts';
export type { Caller } from './identity/caller.ts';
export { toCaller } from './identity/caller.ts';
export type { CallerIdentity } from './identity/parseCallerIdentity.ts';
export { parseCallerIdentity } from './identity/parseCallerIdentity.ts';
export type { ProofBinding, ProofVerifier } from './identity/proofBinding.ts';
export type { ProofRules, ReconstructedProof } from './identity/reconstructProof.ts';
export { PROOF_LIFETIME_MS, PROOF_MAX_AHEAD_MS, reconstructProof } from './identity/reconstructProof.ts';
export type { Partition } from './identity/stsHostPattern.ts';
export { stsHostPattern } from './identity/stsHostPattern.ts';
export type { VerifyIdentityProofOptions } from './identity/verifyIdentityProof.ts';
export { verifyIdentityProof } from './identity/verifyIdentityProof.ts';
export { mapStsError } from './mapStsError.ts';
export type { AccessPolicyDocument, AccessRevocation, AccessRule } from './policy/accessPolicySchema.ts';
export { accessPolicySchema } from './policy/accessPolicySchema.ts';
export type { AccessRequest, Allowed, AuthorizeContext, Decision, Denied } from './policy/authorize.ts';
export { authorize } from './policy/authorize.ts';
export { findRevocation } from './policy/findRevocation.ts';
export type { AccessPolicyLoader, AccessPolicySource } from './policy/loadAccessPolicy.ts';
export { loadAccessPolicy } from './policy/loadAccessPolicy.ts';
export { matchesPattern } from './policy/matchesPattern.ts';
export type { AccessPolicy } from './policy/parseAccessPolicy.ts';
export { AccessPolicyError, parseAccessPolicy } from './policy/parseAccessPolicy.ts';
export { resolveAccount } from './policy/resolveAccount.ts';
export type { ReviewContext } from './policy/reviewAccessPolicy.ts';
export { reviewAccessPolicy } from './policy/reviewAccessPolicy.ts';
export { revocationEpoch } from './policy/revocationEpoch.ts';
export type { BrokerConfig, BrokerEntry } from './readBrokerConfig.ts';
export { BrokerConfigError, readBrokerConfig } from './readBrokerConfig.ts';

export { toCredentialResponse } from './toCredentialResponse.ts';
export { toErrorResponse } from './toErrorResponse.ts';
export { validateRequest } from './validateRequest.ts';
