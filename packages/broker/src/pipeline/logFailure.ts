import type { Logger } from '@aws-lambda-powertools/logger';
import { describeError } from '../describeError.ts';
import type { BrokerError } from '../errors.ts';

/**
 * Logs a failed request by what it says about the broker: a caller's mistake at INFO, a fault
 * of STS or of the broker at ERROR with its cause described safely. Denials are left to the
 * audit trail, which records every one of them.
 *
 * @example
 * logFailure(logger, new UpstreamError('STS could not be reached'), requestId);
 */
export function logFailure(logger: Logger, error: BrokerError, requestId: string): void {
  if (error.code === 'ValidationError') {
    logger.info('request refused', { requestId, code: error.code, reason: error.message });
  } else if (error.code === 'UpstreamError' || error.code === 'InternalError') {
    logger.error('request failed', {
      requestId,
      code: error.code,
      reason: error.message,
      cause: describeError(error.cause),
    });
  }
}
