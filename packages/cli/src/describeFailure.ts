import { StsCredsError } from '@stscreds/client';
import { EXIT_CODES } from './exitCodes.ts';

/** One line for stderr and the exit code for a failure. */
export function describeFailure(error: unknown): { line: string; code: number } {
  if (error instanceof StsCredsError) {
    const id = error.requestId ? ` (request ${error.requestId})` : '';
    return { line: `stscreds: ${error.code}: ${error.message}${id}`, code: EXIT_CODES[error.code] };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { line: `stscreds: ${message.split('\n')[0]}`, code: EXIT_CODES.Unexpected };
}
