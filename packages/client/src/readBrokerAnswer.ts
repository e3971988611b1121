import { type BrokerResponse, isBrokerResponse } from '@stscreds/contract';
import {
  StsCredsAccessDeniedError,
  StsCredsInternalError,
  StsCredsThrottledError,
  StsCredsUpstreamError,
  StsCredsValidationError,
} from './errors.ts';
import { InvalidEndpointError, ResponseTooLargeError } from './sendSignedRequest.ts';

const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException', 'EC2ThrottledException']);
const DENIED = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
]);
const CALLER_MISTAKE = new Set([
  'ResourceNotFoundException',
  'InvalidParameterValueException',
  'RequestTooLargeException',
]);

/**
 * A failed `Invoke` as a typed {@link StsCredsError}: Lambda's throttling, refusals and
 * caller mistakes by their error codes, an endpoint that is not an http or https URL as the
 * caller's mistake, an answer too large for a Lambda payload as the broker's failure, and a
 * failure without an HTTP answer as a broker that could not be reached, named with its
 * endpoint. It reads the SDK's errors and {@link LambdaInvokeError}s alike.
 *
 * @example
 * throw invokeFailure(error, 'getSTScreds', 'https://lambda.us-west-2.amazonaws.com');
 */
export function invokeFailure(error: unknown, functionName: string, endpoint: string | undefined): Error {
  const name = error instanceof Error ? error.name : '';
  const hasStatus =
    typeof (error as { $metadata?: { httpStatusCode?: unknown } })?.$metadata?.httpStatusCode === 'number';
  const message = `Lambda refused to invoke ${functionName}: ${name}`;
  if (error instanceof ResponseTooLargeError) {
    return new StsCredsInternalError(`${functionName} answered more than ${error.limit} bytes`, {
      cause: error,
    });
  }
  if (error instanceof InvalidEndpointError) {
    return new StsCredsValidationError(`the Lambda endpoint ${error.message}`, { cause: error });
  }
  if (THROTTLED.has(name)) return new StsCredsThrottledError(message, { cause: error });
  if (DENIED.has(name)) return new StsCredsAccessDeniedError(message, { cause: error });
  if (CALLER_MISTAKE.has(name)) return new StsCredsValidationError(message, { cause: error });
  if (!hasStatus) {
    const where = endpoint ? ` at ${endpoint}` : '';
    return new StsCredsUpstreamError(`${functionName} could not be reached${where}`, { cause: error });
  }
  return new StsCredsUpstreamError(message, { cause: error });
}

/**
 * Reads what `Invoke` answered strictly against contract v1. Contract errors come back as
 * answers; a function error or an answer outside the contract is thrown as a typed
 * {@link StsCredsError}.
 *
 * @example
 * const answer = readBrokerAnswer(output, 'getSTScreds');
 * if ('error' in answer) console.log(answer.error.code);
 */
export function readBrokerAnswer(
  output: { readonly FunctionError?: string | undefined; readonly Payload?: Uint8Array | undefined },
  functionName: string,
): BrokerResponse {
  if (output.FunctionError) {
    throw new StsCredsInternalError(`${functionName} failed with a function error (${output.FunctionError})`);
  }
  let parsed: unknown;
  try {
    // JSON is UTF-8: bytes that are not are outside the contract, not characters to replace.
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(output.Payload ?? new Uint8Array()));
  } catch {
    parsed = undefined;
  }
  if (!isBrokerResponse(parsed))
    throw new StsCredsInternalError(`${functionName} answered outside contract v1`);
  return parsed;
}
