const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

/**
 * Whether an STS error code says the caller is being throttled, rather than refused.
 *
 * @example
 * isStsThrottlingCode('Throttling'); // true
 */
export function isStsThrottlingCode(code: string): boolean {
  return THROTTLED.has(code);
}
