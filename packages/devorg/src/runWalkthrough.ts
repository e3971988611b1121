import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { fromIni } from '@aws-sdk/credential-providers';
import { buildIdentityProof, invokeBroker } from '@stscreds/client';
import type {
  BrokerResponse,
  CredentialRequestInput,
  CredentialResponse,
  IdentityProof,
} from '@stscreds/contract';
import { redactKeyId } from '@stscreds/contract';
import { DEV_ORG } from './defaults.ts';
import type { DevOrg } from './startDevOrg.ts';
import { walkThroughDoctor } from './walkThroughDoctor.ts';
import { walkThroughRevocation } from './walkThroughRevocation.ts';

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

const expectError = (answer: BrokerResponse, code: string, because: RegExp): string => {
  if (!('error' in answer)) throw new StepFailed(`expected ${code}, got credentials`);
  if (answer.error.code !== code || !because.test(answer.error.message)) {
    throw new StepFailed(
      `expected ${code} (${because.source}), got ${answer.error.code}: ${answer.error.message}`,
    );
  }
  return `${answer.error.code}: ${answer.error.message}`;
};

/**
 * Walks callers through the local organization with the real SDK clients and the state
 * folder's profiles: a verified caller gets credentials and uses them, the access policy
 * turns another away, forged or malformed requests fail with their clean error codes, and
 * doctor catches a broken account, and a revocation shuts alice out and is lifted.
 * Each step prints as it runs; the result says whether every step behaved.
 *
 * @example
 * const steps = await runWalkthrough(org, (line) => process.stdout.write(`${line}\n`));
 * process.exitCode = steps.every((s) => s.ok) ? 0 : 1;
 */
export async function runWalkthrough(org: DevOrg, print: Print): Promise<WalkthroughStep[]> {
  const [prod, staging] = org.seeded.targets;
  if (!prod || !staging) throw new Error('the local organization has no prod and staging accounts');
  const profileOf = (profile: string) =>
    fromIni({ profile, filepath: org.paths.credentials, configFilepath: org.paths.config });
  const lambdaAs = (profile: string) =>
    new LambdaClient({
      region: DEV_ORG.region,
      endpoint: org.broker.lambdaEndpoint,
      credentials: profileOf(profile),
    });
  const proofOf = async (profile: string, request: CredentialRequestInput): Promise<IdentityProof> =>
    buildIdentityProof({
      credentials: await profileOf(profile)(),
      audience: org.broker.audience,
      region: org.broker.region,
      stsEndpoint: org.broker.stsEndpoint,
      request,
    });
  /** The request with an identity proof made for it. */
  const signed = async (
    profile: string,
    request: CredentialRequestInput,
  ): Promise<CredentialRequestInput> => ({
    ...request,
    identity: await proofOf(profile, request),
  });
  const alice = lambdaAs('alice');
  const bob = lambdaAs('bob');
  const fn = DEV_ORG.functionName;

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
  await step(`alice proves who she is and gets credentials for prod through LambdaClient`, async () => {
    issued = expectCredentials(await invokeBroker(alice, fn, await signed('alice', { accountId: 'prod' })));
    if (issued.AccountId !== prod.accountId) throw new StepFailed(`credentials lead to ${issued.AccountId}`);
    return `${redactKeyId(issued.AccessKeyId)} as ${issued.AssumedRoleArn}, expiring ${issued.Expiration}`;
  });

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

  await step('bob proves who he is, and the access policy keeps him out of prod', async () =>
    expectError(
      await invokeBroker(bob, fn, await signed('bob', { accountId: 'prod' })),
      'AccessDenied',
      /default-deny/,
    ),
  );

  await step('bob gets credentials for staging', async () => {
    const answer = expectCredentials(
      await invokeBroker(bob, fn, await signed('bob', { accountId: 'staging' })),
    );
    return `${redactKeyId(answer.AccessKeyId)} as ${answer.AssumedRoleArn}`;
  });

  await step('a request without an identity proof is refused', async () =>
    expectError(await invokeBroker(alice, fn, { accountId: 'prod' }), 'AccessDenied', /unverified-caller/),
  );

  await step("bob replays alice's proof with the audience changed after signing: refused", async () => {
    const proof = await proofOf('alice', { accountId: 'prod' });
    const forged = { ...proof, headers: { ...proof.headers, 'x-stscreds-audience': 'someone-else' } };
    return expectError(
      await invokeBroker(bob, fn, { accountId: 'prod', identity: forged }),
      'AccessDenied',
      /x-stscreds-audience/,
    );
  });

  await step("bob replays alice's proof for prod to ask for staging: refused", async () => {
    const proof = await proofOf('alice', { accountId: 'prod' });
    return expectError(
      await invokeBroker(bob, fn, { accountId: 'staging', identity: proof }),
      'AccessDenied',
      /x-stscreds-request-digest does not match this request/,
    );
  });

  await step('a proof aimed at a host of the caller choosing is refused before any call', async () => {
    const proof = await proofOf('alice', { accountId: 'prod' });
    const forged = { ...proof, url: 'http://169.254.169.254/' };
    return expectError(
      await invokeBroker(alice, fn, { accountId: 'prod', identity: forged }),
      'AccessDenied',
      /not an STS endpoint/,
    );
  });

  await step('a duration past the one-hour role-chaining cap is refused', async () =>
    expectError(
      await invokeBroker(alice, fn, await signed('alice', { accountId: 'prod', durationSeconds: 7200 })),
      'ValidationError',
      /role chaining/,
    ),
  );

  await step('a payload that is not JSON is refused by the Lambda endpoint', async () => {
    try {
      await alice.send(
        new InvokeCommand({ FunctionName: fn, Payload: new TextEncoder().encode('{accountId:') }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'InvalidRequestContentException') {
        return `${error.name}: ${error.message}`;
      }
      throw error;
    }
    throw new StepFailed('the endpoint accepted it');
  });

  await walkThroughDoctor(org, step);

  await walkThroughRevocation(
    org,
    {
      ask: async (caller, accountId) =>
        invokeBroker(caller === 'alice' ? alice : bob, fn, await signed(caller, { accountId })),
    },
    step,
  );

  return steps;
}
