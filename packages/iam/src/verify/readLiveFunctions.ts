import {
  type FunctionConfiguration,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  type LambdaClient,
  ListFunctionsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import type { ChainFunction } from './ChainModel.ts';
import { lambdaPolicyStatement } from './lambdaPolicyStatement.ts';

const orUndefined = async <T>(call: Promise<T>): Promise<T | undefined> => {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};

const statementsOf = (policy: string | undefined): Record<string, unknown>[] => {
  if (!policy) return [];
  const parsed = JSON.parse(policy) as { Statement?: unknown };
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  return statements.filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null);
};

const readOne = async (
  lambda: LambdaClient,
  fn: FunctionConfiguration,
  partition: string,
): Promise<ChainFunction> => {
  const name = fn.FunctionName ?? '';
  const arn = fn.FunctionArn ?? '';
  const policy = await orUndefined(lambda.send(new GetPolicyCommand({ FunctionName: name })));
  const url = await orUndefined(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name })));
  const statements = statementsOf(policy?.Policy).map((s) => lambdaPolicyStatement(s, arn, partition));
  return {
    name,
    arn,
    accountId: /^arn:[\w-]+:lambda:[a-z0-9-]+:([0-9]{12}):/.exec(arn)?.[1] ?? '',
    entry: fn.Environment?.Variables?.STSCREDS_ENTRY,
    hasFunctionUrl: url !== undefined,
    resourcePolicy: statements.length ? { Version: '2012-10-17', Statement: statements } : undefined,
    source: 'Lambda',
  };
};

/**
 * Reads, through the Lambda API, the functions that run as a given role: each one's
 * `STSCREDS_ENTRY`, whether it has a Function URL, and its resource policy (`GetPolicy`).
 *
 * @example
 * const functions = await readLiveFunctions(lambda, 'arn:aws:iam::111111111111:role/stscreds-broker', 'aws');
 */
export async function readLiveFunctions(
  lambda: LambdaClient,
  roleArn: string,
  partition: string,
): Promise<ChainFunction[]> {
  const functions: ChainFunction[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(new ListFunctionsCommand({ Marker: marker }));
    for (const fn of page.Functions ?? []) {
      if (fn.Role === roleArn) functions.push(await readOne(lambda, fn, partition));
    }
    marker = page.NextMarker;
  } while (marker);
  return functions;
}
