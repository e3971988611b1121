import { StsCredsError } from '@stscreds/client';
import { EXIT_CODES } from './exitCodes.ts';

/** One line for stderr and the exit code for a failure. */
export function describeFailure(error: unknown): { line: string; code: number } {
  if (error instanceof StsCredsError) {
    const id = error.requestId ? ` (request ${error.requestId})` : '';
    return { line: `stscreds: ${error.code}: ${error.message}${id}`, code: EXIT_CODES[error.code] };
  }
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  // The SDK's words when the caller has no credentials at all: say how to name them.
  const hint = message.includes('Could not load credentials from any providers')
    ? '; name your AWS identity with --profile NAME or AWS_PROFILE (see aws configure list-profiles)'
    : '';
  return { line: `stscreds: ${message}${hint}`, code: EXIT_CODES.Unexpected };
}
