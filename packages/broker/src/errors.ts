import type { ErrorCode } from '@stscreds/contract';

/**
 * The base of every failure the broker answers with. `code` is the stable contract code;
 * `message` is safe to show the caller; `cause` keeps the original for the logs.
 *
 * @example
 * try { … } catch (error) { if (error instanceof BrokerError) return error.code; }
 */
export abstract class BrokerError extends Error {
  abstract readonly code: ErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request is malformed. No STS call was made for it. */
export class ValidationError extends BrokerError {
  readonly code = 'ValidationError';
}

/** The caller may not have these credentials, or STS refused the broker. */
export class AccessDeniedError extends BrokerError {
  readonly code = 'AccessDenied';
}

/** The caller's identity proof was refused: a denial before any access rule was read. */
export class ProofRefusedError extends AccessDeniedError {}

/** Seconds a throttled caller is asked to wait, in the message and in the Function URL's Retry-After. */
export const THROTTLED_RETRY_AFTER_SECONDS = 2;

/** STS throttled the broker; the caller should retry later. */
export class ThrottledError extends BrokerError {
  readonly code = 'Throttled';
}

/** STS failed or could not be reached. */
export class UpstreamError extends BrokerError {
  readonly code = 'UpstreamError';
}

/** A fault in the broker itself. */
export class InternalError extends BrokerError {
  readonly code = 'InternalError';
}
