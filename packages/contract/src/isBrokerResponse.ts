import type { BrokerResponse } from './contract.ts';
import { ERROR_CODES } from './errorCodes.ts';
import { isCredentialResponse } from './isCredentialResponse.ts';

const hasExactly = (value: Record<string, unknown>, keys: readonly string[]): boolean => {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => Object.hasOwn(value, key));
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether a value is a broker answer of contract v1, credentials or an error, without loading
 * the schema library. It accepts exactly what `brokerResponseSchema` accepts (a property test
 * holds the two to the same answer for every value).
 *
 * @example
 * if (!isBrokerResponse(JSON.parse(text))) throw new Error('outside contract v1');
 */
export function isBrokerResponse(value: unknown): value is BrokerResponse {
  if (isCredentialResponse(value)) return true;
  if (!isRecord(value) || !hasExactly(value, ['error']) || !isRecord(value.error)) return false;
  const { error } = value;
  return (
    hasExactly(error, ['code', 'message', 'requestId']) &&
    (ERROR_CODES as readonly unknown[]).includes(error.code) &&
    typeof error.message === 'string' &&
    typeof error.requestId === 'string'
  );
}
