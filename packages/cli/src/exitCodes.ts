import { StsCredsError } from '@stscreds/client';
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

/** One line for stderr and the exit code for a failure. */
export function describeFailure(error: unknown): { line: string; code: number } {
  if (error instanceof StsCredsError) {
    const id = error.requestId ? ` (request ${error.requestId})` : '';
    return { line: `stscreds: ${error.code}: ${error.message}${id}`, code: EXIT_CODES[error.code] };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { line: `stscreds: ${message.split('\n')[0]}`, code: EXIT_CODES.Unexpected };
}
