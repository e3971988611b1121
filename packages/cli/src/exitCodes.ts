import type { ErrorCode } from '@stscreds/contract';

/** Exit codes of the `stscreds` command, stable for scripts. `exec` passes its child's through instead. */
export const EXIT_CODES: Record<ErrorCode | 'Unexpected' | 'Usage', number> = {
  Unexpected: 1,
  Usage: 2,
  AccessDenied: 3,
  ValidationError: 4,
  Throttled: 5,
  UpstreamError: 6,
  InternalError: 7,
};
