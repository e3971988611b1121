import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import type { BrokerResponse } from '@stscreds/contract';
import { invokeFailure, readBrokerAnswer } from './readBrokerAnswer.ts';

/**
 * Invokes getSTScreds with an AWS SDK `LambdaClient` and reads the answer strictly against
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
    throw invokeFailure(error, functionName, endpoint);
  }
  return readBrokerAnswer(output, functionName);
}
