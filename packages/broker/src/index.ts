export type { AssumeRoleInput, IssuedCredentials } from './assumeRole.ts';
export { assumeRole } from './assumeRole.ts';
export type {
  BrokerResponse,
  CredentialRequest,
  CredentialRequestInput,
  CredentialResponse,
  ErrorCode,
  ErrorResponse,
} from './contract.ts';
export {
  brokerResponseSchema,
  credentialRequestSchema,
  credentialResponseSchema,
  DEFAULT_ROLE_NAME,
  ERROR_CODES,
  errorResponseSchema,
  MAX_DURATION_SECONDS,
  MAX_POLICY_ARNS,
  MAX_POLICY_CHARS,
  MAX_REQUEST_BYTES,
  MIN_DURATION_SECONDS,
} from './contract.ts';
export type { BrokerDependencies, BrokerHandler } from './createHandler.ts';
export { createHandler } from './createHandler.ts';
export { createLogger } from './createLogger.ts';
export { createStsClient } from './createStsClient.ts';
export type { ErrorDescription } from './describeError.ts';
export { describeError } from './describeError.ts';
export {
  AccessDeniedError,
  BrokerError,
  InternalError,
  ThrottledError,
  UpstreamError,
  ValidationError,
} from './errors.ts';
export { mapStsError } from './mapStsError.ts';
export type { BrokerConfig } from './readBrokerConfig.ts';
export { BrokerConfigError, readBrokerConfig } from './readBrokerConfig.ts';
export { redactKeyId } from './redactKeyId.ts';
export { toCredentialResponse } from './toCredentialResponse.ts';
export { toErrorResponse } from './toErrorResponse.ts';
export { validateRequest } from './validateRequest.ts';
