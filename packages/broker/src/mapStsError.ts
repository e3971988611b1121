import {
  AccessDeniedError,
  type BrokerError,
  THROTTLED_RETRY_AFTER_SECONDS,
  ThrottledError,
  UpstreamError,
  ValidationError,
} from './errors.ts';
import { isStsThrottlingCode } from './stsThrottlingCode.ts';

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
/** STS refusing what the caller asked for (their session policy), rather than failing. */
const CALLER_MISTAKE = new Set(['MalformedPolicyDocument', 'PackedPolicyTooLarge', 'ValidationError']);

const MAX_UPSTREAM_MESSAGE_CHARS = 300;

/** An answer came back from STS; a network failure carries no HTTP status. */
const isServiceError = (error: unknown): error is Error =>
  error instanceof Error &&
  typeof (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode === 'number';

/** Keeps STS's own words short; they describe the caller's request, never a secret. */
const brief = (message: string): string =>
  message.length > MAX_UPSTREAM_MESSAGE_CHARS
    ? `${message.slice(0, MAX_UPSTREAM_MESSAGE_CHARS - 1)}…`
    : message;

/**
 * Turns whatever an STS call threw into the contract's error. The original error is kept
 * as `cause` for the logs; the message is what the caller may read.
 *
 * @example
 * try { await sts.send(command); } catch (error) { throw mapStsError(error, roleArn); }
 */
export function mapStsError(error: unknown, roleArn: string): BrokerError {
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return new UpstreamError('STS did not answer in time', { cause: error });
  }
  if (!isServiceError(error)) {
    return new UpstreamError('STS could not be reached', { cause: error });
  }
  if (ACCESS_DENIED.has(error.name)) {
    return new AccessDeniedError(
      `STS denied AssumeRole on ${roleArn}: the broker's role may not assume it, or the role does not trust the broker`,
      { cause: error },
    );
  }
  if (isStsThrottlingCode(error.name)) {
    return new ThrottledError(
      `STS is throttling the broker, even after retries; retry after ${THROTTLED_RETRY_AFTER_SECONDS} s`,
      { cause: error },
    );
  }
  if (CALLER_MISTAKE.has(error.name)) {
    return new ValidationError(`STS refused the request: ${brief(error.message)}`, { cause: error });
  }
  return new UpstreamError(`STS failed with ${error.name}`, { cause: error });
}
