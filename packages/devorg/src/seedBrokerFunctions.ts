import {
  AddPermissionCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import type { AwsCredentialIdentity } from '@smithy/types';
import { urlFunctionNameOf } from '@stscreds/iam/policies';
import { DEV_ORG } from './defaults.ts';
import { zipOneFile } from './zipOneFile.ts';

/**
 * Records in moto the broker's two functions as the CDK app deploys them with a Function URL
 * and the callers as invokers: `getSTScreds` taking direct invokes, and `getSTScreds-url`
 * taking its AWS_IAM Function URL only, which the callers may call through the URL alone.
 * moto runs no code (the local endpoints serve the broker), so this is what `stscreds verify
 * --live` reads, as it would read Lambda.
 *
 * @example
 * await seedBrokerFunctions(moto.endpoint, devopsSession, brokerRoleArn, callerArns);
 */
export async function seedBrokerFunctions(
  endpoint: string,
  credentials: AwsCredentialIdentity,
  brokerRoleArn: string,
  callerArns: readonly string[],
): Promise<void> {
  const lambda = new LambdaClient({ endpoint, region: DEV_ORG.region, credentials });
  const code = { ZipFile: zipOneFile('index.js', 'exports.handler = async () => ({});') };
  const urlFunction = urlFunctionNameOf(DEV_ORG.functionName);
  for (const [name, entry] of [
    [DEV_ORG.functionName, 'invoke'],
    [urlFunction, 'url'],
  ] as const) {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Role: brokerRoleArn,
        Code: code,
        Environment: { Variables: { STSCREDS_ENTRY: entry } },
      }),
    );
  }
  await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: urlFunction, AuthType: 'AWS_IAM' }));
  for (const [index, principal] of callerArns.entries()) {
    const grant = (
      name: string,
      id: string,
      fields: Omit<
        ConstructorParameters<typeof AddPermissionCommand>[0],
        'FunctionName' | 'StatementId' | 'Principal'
      >,
    ) =>
      lambda.send(
        new AddPermissionCommand({
          FunctionName: name,
          StatementId: `${id}${index}`,
          Principal: principal,
          ...fields,
        }),
      );
    await grant(DEV_ORG.functionName, 'Invoke', { Action: 'lambda:InvokeFunction' });
    await grant(urlFunction, 'InvokeFunctionUrl', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionUrlAuthType: 'AWS_IAM',
    });
    await grant(urlFunction, 'InvokeViaUrl', {
      Action: 'lambda:InvokeFunction',
      InvokedViaFunctionUrl: true,
    });
  }
}
