import type { CredentialRequest } from '@stscreds/contract';
import { ValidationError } from '../errors.ts';
import { validateRequest } from '../validateRequest.ts';
import type { RequestOrigin } from './requestOrigin.ts';

/**
 * The first step: the payload must be a contract v1 request, and fit the entry it came by.
 * On the Function URL the signer is the caller, so a proof in the body has no place there.
 *
 * @throws {ValidationError} naming what is wrong.
 * @example
 * const request = admitRequest(event, { kind: 'invoke' });
 */
export function admitRequest(payload: unknown, origin: RequestOrigin): CredentialRequest {
  const request = validateRequest(payload);
  if (origin.kind === 'function-url' && request.identity) {
    throw new ValidationError(
      'Invalid request. identity: not used on the Function URL, whose caller is the request signer',
    );
  }
  return request;
}
