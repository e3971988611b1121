import type { ErrorCode } from '@stscreds/contract';

/**
 * The base of every failure `fromStsCreds` and the CLI report. `code` is the broker's
 * contract code; `requestId` is the broker's request id, when it answered.
 *
 * @example
 * try { await provider(); } catch (error) { if (error instanceof StsCredsError) console.error(error.code); }
 */
export class StsCredsError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions & { readonly requestId?: string },
  ) {
    super(message, options);
    this.name = new.target.name;
    if (options?.requestId) this.requestId = options.requestId;
  }
  readonly requestId?: string;
}

/** The request was malformed, or named something the broker does not know. */
export class StsCredsValidationError extends StsCredsError {
  constructor(message: string, options?: ErrorOptions & { readonly requestId?: string }) {
    super('ValidationError', message, options);
  }
}

/** The broker, its access policy or STS refused the caller. */
export class StsCredsAccessDeniedError extends StsCredsError {
  constructor(message: string, options?: ErrorOptions & { readonly requestId?: string }) {
    super('AccessDenied', message, options);
  }
}

/** STS or Lambda throttled the request; retry later. */
export class StsCredsThrottledError extends StsCredsError {
  constructor(message: string, options?: ErrorOptions & { readonly requestId?: string }) {
    super('Throttled', message, options);
  }
}

/** The broker, STS or the network between them failed. */
export class StsCredsUpstreamError extends StsCredsError {
  constructor(message: string, options?: ErrorOptions & { readonly requestId?: string }) {
    super('UpstreamError', message, options);
  }
}

/** The broker failed in itself, or its function crashed. */
export class StsCredsInternalError extends StsCredsError {
  constructor(message: string, options?: ErrorOptions & { readonly requestId?: string }) {
    super('InternalError', message, options);
  }
}

const BY_CODE = {
  ValidationError: StsCredsValidationError,
  AccessDenied: StsCredsAccessDeniedError,
  Throttled: StsCredsThrottledError,
  UpstreamError: StsCredsUpstreamError,
  InternalError: StsCredsInternalError,
} as const satisfies Record<
  ErrorCode,
  new (
    message: string,
    options?: ErrorOptions & { requestId?: string },
  ) => StsCredsError
>;

/**
 * The typed error for a contract error answer.
 *
 * @example
 * throw stsCredsErrorOf({ code: 'AccessDenied', message: '…', requestId: 'r-1' });
 */
export function stsCredsErrorOf(error: {
  code: ErrorCode;
  message: string;
  requestId: string;
}): StsCredsError {
  return new BY_CODE[error.code](error.message, { requestId: error.requestId });
}

/**
 * Whether a failure is the broker's answer that the caller may not have these credentials
 * (AccessDenied, ValidationError), rather than an outage. Held credentials outlive an outage,
 * not a refusal.
 *
 * @example
 * if (!isStsCredsRefusal(error) && stillValid(held)) return held;
 */
export function isStsCredsRefusal(error: unknown): boolean {
  return error instanceof StsCredsAccessDeniedError || error instanceof StsCredsValidationError;
}
