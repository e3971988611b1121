import type { ErrorResponse } from '@stscreds/contract';
import type { BrokerError } from './errors.ts';

/**
 * Shapes a failure as the contract's error body: the code, the caller-safe message and
 * the request id. Never the stack, never the cause.
 *
 * @example
 * toErrorResponse(new ValidationError('Invalid request. accountId: …'), requestId);
 */
export function toErrorResponse(error: BrokerError, requestId: string): ErrorResponse {
  return { error: { code: error.code, message: error.message, requestId } };
}
