import type { CredentialResponse } from '@stscreds/contract';
import type { IssuedCredentials } from './assumeRole.ts';

/**
 * Shapes issued credentials as the contract's success body, which is also a valid
 * credential_process document.
 *
 * @example
 * const body = toCredentialResponse(issued); // { Version: 1, AccessKeyId: 'ASIA…', Expiration: '…Z', … }
 */
export function toCredentialResponse(issued: IssuedCredentials): CredentialResponse {
  return {
    Version: 1,
    AccessKeyId: issued.accessKeyId,
    SecretAccessKey: issued.secretAccessKey,
    SessionToken: issued.sessionToken,
    Expiration: issued.expiration.toISOString(),
    AccountId: issued.accountId,
    AssumedRoleArn: issued.assumedRoleArn,
  };
}
