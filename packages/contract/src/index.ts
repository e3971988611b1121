export {
  brokerResponseSchema,
  credentialResponseSchema,
  errorResponseSchema,
} from './brokerResponseSchema.ts';
export type { BoundRequestFields } from './canonicalRequest.ts';
export { CANONICAL_REQUEST_VERSION, canonicalRequest } from './canonicalRequest.ts';
export type {
  BrokerResponse,
  CredentialRequest,
  CredentialRequestInput,
  CredentialResponse,
  ErrorCode,
  ErrorResponse,
} from './contract.ts';
export {
  credentialRequestSchema,
  DEFAULT_ROLE_NAME,
  ERROR_CODES,
  identityProofSchema,
  MAX_DURATION_SECONDS,
  MAX_POLICY_ARNS,
  MAX_POLICY_CHARS,
  MAX_PROOF_BODY_CHARS,
  MAX_PROOF_HEADER_CHARS,
  MAX_PROOF_HEADERS,
  MAX_PROOF_URL_CHARS,
  MAX_REQUEST_BYTES,
  MIN_DURATION_SECONDS,
} from './contract.ts';
export type { IdentityProof } from './identityProof.ts';
export { AUDIENCE_HEADER, GET_CALLER_IDENTITY_BODY, REQUEST_DIGEST_HEADER } from './identityProof.ts';
export { isBrokerResponse } from './isBrokerResponse.ts';
export { isCredentialResponse } from './isCredentialResponse.ts';
export { redactKeyId } from './redactKeyId.ts';
export { requestDigest } from './requestDigest.ts';
