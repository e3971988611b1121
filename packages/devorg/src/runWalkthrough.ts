import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { fromIni } from '@aws-sdk/credential-providers';
import { type BrokerResponse, type CredentialResponse, redactKeyId } from '@stscreds/broker';
import { DEV_ORG } from './defaults.ts';
import { invokeBroker } from './invokeBroker.ts';
import type { DevOrg } from './startDevOrg.ts';

export interface WalkthroughStep {
  readonly title: string;
  readonly ok: boolean;
  readonly detail: string;
}

type Print = (line: string) => void;

class StepFailed extends Error {}

const expectCredentials = (answer: BrokerResponse): CredentialResponse => {
  if ('error' in answer)
    throw new StepFailed(`expected credentials, got ${answer.error.code}: ${answer.error.message}`);
  return answer;
};

const expectError = (answer: BrokerResponse, code: string): string => {
  if (!('error' in answer)) throw new StepFailed(`expected ${code}, got credentials`);
  if (answer.error.code !== code)
    throw new StepFailed(`expected ${code}, got ${answer.error.code}: ${answer.error.message}`);
  return `${answer.error.code}: ${answer.error.message}`;
};

/**
 * Walks a caller through the local organization with the real SDK clients and the state
 * folder's profiles: credentials for prod, what they can see, and requests that must fail.
 * Each step prints as it runs; the result says whether every step behaved.
 *
 * @example
 * const steps = await runWalkthrough(org, (line) => process.stdout.write(`${line}\n`));
 * process.exitCode = steps.every((s) => s.ok) ? 0 : 1;
 */
export async function runWalkthrough(org: DevOrg, print: Print): Promise<WalkthroughStep[]> {
  const [prod, staging] = org.seeded.targets;
  if (!prod || !staging) throw new Error('the local organization has no prod and staging accounts');
  const profile = { profile: 'alice', filepath: org.paths.credentials, configFilepath: org.paths.config };
  const lambda = new LambdaClient({
    region: DEV_ORG.region,
    endpoint: org.broker.lambdaEndpoint,
    credentials: fromIni(profile),
  });
  const steps: WalkthroughStep[] = [];
  const step = async (title: string, run: () => Promise<string>): Promise<void> => {
    let result: WalkthroughStep;
    try {
      result = { title, ok: true, detail: await run() };
    } catch (error) {
      const detail =
        error instanceof Error
          ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`
          : String(error);
      result = { title, ok: false, detail };
    }
    steps.push(result);
    print(`  ${result.ok ? '✔' : '✘'} ${steps.length}. ${result.title}`);
    print(`       ${result.detail}`);
  };

  let issued: CredentialResponse | undefined;
  await step(
    `alice invokes ${DEV_ORG.functionName} for prod (${prod.accountId}) through LambdaClient`,
    async () => {
      issued = expectCredentials(
        await invokeBroker(lambda, DEV_ORG.functionName, { accountId: prod.accountId }),
      );
      if (issued.AccountId !== prod.accountId)
        throw new StepFailed(`credentials lead to ${issued.AccountId}`);
      return `${redactKeyId(issued.AccessKeyId)} as ${issued.AssumedRoleArn}, expiring ${issued.Expiration}`;
    },
  );

  await step("S3 ListBuckets with those credentials shows prod's bucket, and only prod's", async () => {
    if (!issued) throw new StepFailed('no credentials from the step before');
    const s3 = new S3Client({
      region: DEV_ORG.region,
      endpoint: org.broker.stsEndpoint,
      forcePathStyle: true,
      credentials: {
        accessKeyId: issued.AccessKeyId,
        secretAccessKey: issued.SecretAccessKey,
        sessionToken: issued.SessionToken,
      },
    });
    const names = ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
    if (names.length !== 1 || names[0] !== prod.bucket) throw new StepFailed(`saw [${names.join(', ')}]`);
    return `saw ${prod.bucket}; ${staging.bucket} stays out of sight`;
  });

  await step('a duration past the one-hour role-chaining cap is refused', async () =>
    expectError(
      await invokeBroker(lambda, DEV_ORG.functionName, { accountId: prod.accountId, durationSeconds: 7200 }),
      'ValidationError',
    ),
  );

  await step(`a role that ${DEV_ORG.brokerPolicyName} does not name is refused by STS`, async () =>
    expectError(
      await invokeBroker(lambda, DEV_ORG.functionName, {
        accountId: prod.accountId,
        roleName: DEV_ORG.adminRoleName,
      }),
      'AccessDenied',
    ),
  );

  await step('a payload that is not JSON is refused by the Lambda endpoint', async () => {
    try {
      await lambda.send(
        new InvokeCommand({
          FunctionName: DEV_ORG.functionName,
          Payload: new TextEncoder().encode('{accountId:'),
        }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'InvalidRequestContentException') {
        return `${error.name}: ${error.message}`;
      }
      throw error;
    }
    throw new StepFailed('the endpoint accepted it');
  });

  return steps;
}
