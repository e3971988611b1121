import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { type BrokerResponse, brokerResponseSchema } from '@stscreds/contract';

/**
 * Invokes getSTScreds through the Lambda Invoke API and reads the answer strictly against
 * contract v1. A function error or an answer outside the contract is thrown.
 *
 * @example
 * const answer = await invokeBroker(lambda, 'getSTScreds', { accountId: '222222222222' });
 * if ('error' in answer) console.log(answer.error.code);
 */
export async function invokeBroker(
  lambda: LambdaClient,
  functionName: string,
  request: unknown,
): Promise<BrokerResponse> {
  const output = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      Payload: new TextEncoder().encode(JSON.stringify(request)),
    }),
  );
  const text = new TextDecoder().decode(output.Payload ?? new Uint8Array());
  if (output.FunctionError) {
    throw new Error(`${functionName} failed with a function error (${output.FunctionError})`);
  }
  const parsed = brokerResponseSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${functionName} answered outside contract v1`);
  return parsed.data;
}
