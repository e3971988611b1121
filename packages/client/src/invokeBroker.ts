import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { type BrokerResponse, brokerResponseSchema } from '@stscreds/contract';
import {
  StsCredsAccessDeniedError,
  StsCredsInternalError,
  StsCredsThrottledError,
  StsCredsUpstreamError,
  StsCredsValidationError,
} from './errors.ts';

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

const mapInvokeError = (error: unknown, functionName: string, endpoint: string | undefined): Error => {
  const name = error instanceof Error ? error.name : '';
  const hasStatus =
    typeof (error as { $metadata?: { httpStatusCode?: unknown } })?.$metadata?.httpStatusCode === 'number';
  const message = `Lambda refused to invoke ${functionName}: ${name}`;
  if (THROTTLED.has(name)) return new StsCredsThrottledError(message, { cause: error });
  if (DENIED.has(name)) return new StsCredsAccessDeniedError(message, { cause: error });
  if (CALLER_MISTAKE.has(name)) return new StsCredsValidationError(message, { cause: error });
  if (!hasStatus) {
    const where = endpoint ? ` at ${endpoint}` : '';
    return new StsCredsUpstreamError(`${functionName} could not be reached${where}`, { cause: error });
  }
  return new StsCredsUpstreamError(message, { cause: error });
};

/**
 * Invokes getSTScreds through the Lambda Invoke API and reads the answer strictly against
 * contract v1. Contract errors come back as answers; a function error, a Lambda service
 * error or an answer outside the contract is thrown as a typed {@link StsCredsError}.
 *
 * @example
 * const answer = await invokeBroker(lambda, 'getSTScreds', { accountId: '222222222222', identity });
 * if ('error' in answer) console.log(answer.error.code);
 */
export async function invokeBroker(
  lambda: LambdaClient,
  functionName: string,
  request: unknown,
  /** The Lambda endpoint, named when it cannot be reached. */
  endpoint?: string,
): Promise<BrokerResponse> {
  let output: InvokeCommandOutput;
  try {
    output = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
    );
  } catch (error) {
    throw mapInvokeError(error, functionName, endpoint);
  }
  if (output.FunctionError) {
    throw new StsCredsInternalError(`${functionName} failed with a function error (${output.FunctionError})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(output.Payload ?? new Uint8Array()));
  } catch {
    parsed = undefined;
  }
  const answer = brokerResponseSchema.safeParse(parsed);
  if (!answer.success) throw new StsCredsInternalError(`${functionName} answered outside contract v1`);
  return answer.data;
}
