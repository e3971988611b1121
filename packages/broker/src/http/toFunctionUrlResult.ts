import type { BrokerResponse, ErrorCode } from '@stscreds/contract';
import { THROTTLED_RETRY_AFTER_SECONDS } from '../errors.ts';

const STATUS: Record<ErrorCode, number> = {
  ValidationError: 400,
  AccessDenied: 403,
  Throttled: 429,
  UpstreamError: 502,
  InternalError: 500,
};

/** The Function URL response the broker gives; a structured Lambda Function URL result. */
export interface FunctionUrlResult {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Shapes a contract answer as a Function URL response: the status follows the error code,
 * and nothing is ever cached on the way.
 *
 * @example
 * return toFunctionUrlResult(answer); // { statusCode: 403, headers: { 'cache-control': 'no-store', … }, body: '…' }
 */
export function toFunctionUrlResult(answer: BrokerResponse, status?: number): FunctionUrlResult {
  const statusCode = status ?? ('error' in answer ? STATUS[answer.error.code] : 200);
  return {
    statusCode,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      ...(statusCode === 429 && { 'retry-after': String(THROTTLED_RETRY_AFTER_SECONDS) }),
    },
    body: JSON.stringify(answer),
  };
}
