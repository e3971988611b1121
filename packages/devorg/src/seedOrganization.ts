import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  EntityAlreadyExistsException,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import {
  brokerAssumeRolePolicy,
  managedPolicyArns,
  STS_ASSUME_ROLE_POLICY_NAME,
  targetRoleTrustPolicy,
  urlFunctionNameOf,
} from '@stscreds/iam/policies';
import { DEV_ORG, type DevTarget, sampleBucketName } from './defaults.ts';
import { seedBrokerFunctions } from './seedBrokerFunctions.ts';

/** An IAM user's long-term keys in the DevOps account. */
export interface DevUser {
  readonly name: string;
  readonly arn: string;
  readonly credentials: Required<Pick<AwsCredentialIdentity, 'accessKeyId' | 'secretAccessKey'>>;
}

export interface SeededTarget extends DevTarget {
  readonly roleArn: string;
  readonly bucket: string;
}

/** What the seeding made, with the keys that reach it. */
export interface SeededOrganization {
  /** The organization, whose management account is the DevOps account. */
  readonly organizationId: string;
  readonly brokerRoleArn: string;
  /** Stands in for the Lambda service (it assumes the broker's role) and for an administrator. */
  readonly operator: DevUser;
  readonly callers: readonly DevUser[];
  readonly targets: readonly SeededTarget[];
}

const BOOTSTRAP_CREDENTIALS = { accessKeyId: 'AKIASTSCREDSBOOTSTRAP', secretAccessKey: 'bootstrap' };

const document = (statements: object[]): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });

const clientConfig = (endpoint: string, credentials: AwsCredentialIdentity) => ({
  endpoint,
  region: DEV_ORG.region,
  credentials,
});

/** moto places a request in the account of the role its credentials came from. */
const sessionIn = async (endpoint: string, accountId: string): Promise<AwsCredentialIdentity> => {
  const sts = new STSClient(clientConfig(endpoint, BOOTSTRAP_CREDENTIALS));
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/${DEV_ORG.adminRoleName}`,
      RoleSessionName: 'stscreds-dev-seed',
    }),
  );
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
    throw new Error(`moto gave no session for account ${accountId}`);
  }
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
};

const createAdminRole = async (iam: IAMClient): Promise<void> => {
  try {
    await iam.send(
      new CreateRoleCommand({
        RoleName: DEV_ORG.adminRoleName,
        AssumeRolePolicyDocument: document([
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${DEV_ORG.devopsAccountId}:root` },
            Action: 'sts:AssumeRole',
          },
        ]),
      }),
    );
  } catch (error) {
    // Organizations' CreateAccount makes this role, trusting the management account, as AWS does.
    if (!(error instanceof EntityAlreadyExistsException)) throw error;
  }
  await iam.send(
    new AttachRolePolicyCommand({
      RoleName: DEV_ORG.adminRoleName,
      PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
  );
};

const createUser = async (iam: IAMClient, name: string, policy: string | undefined): Promise<DevUser> => {
  const { User: user } = await iam.send(new CreateUserCommand({ UserName: name }));
  if (policy) {
    await iam.send(
      new PutUserPolicyCommand({ UserName: name, PolicyName: 'stscreds-dev', PolicyDocument: policy }),
    );
  }
  const { AccessKey: key } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  if (!user?.Arn || !key?.AccessKeyId || !key.SecretAccessKey)
    throw new Error(`moto did not create user ${name}`);
  return {
    name,
    arn: user.Arn,
    credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey },
  };
};

const seedDevops = async (iam: IAMClient) => {
  const operator = await createUser(iam, 'stscreds-dev-operator', undefined);
  await iam.send(
    new AttachUserPolicyCommand({
      UserName: operator.name,
      PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
  );
  const brokerRoleArn = `arn:aws:iam::${DEV_ORG.devopsAccountId}:role/${DEV_ORG.brokerRoleName}`;
  await iam.send(
    new CreateRoleCommand({
      RoleName: DEV_ORG.brokerRoleName,
      // The operator stands in for the Lambda service here. moto checks same-account trust by
      // matching the AWS principal literally, and fails on a statement with a Service principal alone.
      AssumeRolePolicyDocument: document([
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com', AWS: operator.arn },
          Action: 'sts:AssumeRole',
        },
      ]),
    }),
  );
  // The same builder as the CDK app's BrokerStack, so a policy change reaches both at once.
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: DEV_ORG.brokerRoleName,
      PolicyName: STS_ASSUME_ROLE_POLICY_NAME,
      PolicyDocument: JSON.stringify(
        brokerAssumeRolePolicy({
          partition: 'aws',
          targetRoleName: DEV_ORG.targetRoleName,
          targetAccountIds: DEV_ORG.targets.map((t) => t.accountId),
        }),
      ),
    }),
  );
  // The broker reads its access policy from SSM. BrokerStack grants the one parameter; moto
  // checks every action but S3's against the resource "*", so here the grant names "*".
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: DEV_ORG.brokerRoleName,
      PolicyName: 'stscreds-access-policy',
      PolicyDocument: document([
        {
          Effect: 'Allow',
          Action: 'ssm:GetParameter',
          Resource: '*',
        },
      ]),
    }),
  );
  const functionArn = (name: string) =>
    `arn:aws:lambda:${DEV_ORG.region}:${DEV_ORG.devopsAccountId}:function:${name}`;
  const urlFunctionArn = functionArn(urlFunctionNameOf(DEV_ORG.functionName));
  // The invoke function directly; the URL function through its URL only, as Lambda requires.
  const callerPolicy = document([
    { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: functionArn(DEV_ORG.functionName) },
    { Effect: 'Allow', Action: 'lambda:InvokeFunctionUrl', Resource: urlFunctionArn },
    {
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: urlFunctionArn,
      Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
    },
  ]);
  const callers = [];
  for (const caller of DEV_ORG.callers) callers.push(await createUser(iam, caller.name, callerPolicy));
  return { brokerRoleArn, operator, callers };
};

const seedTarget = async (
  endpoint: string,
  target: DevTarget,
  brokerRoleArn: string,
): Promise<SeededTarget> => {
  const credentials = await sessionIn(endpoint, target.accountId);
  const iam = new IAMClient(clientConfig(endpoint, credentials));
  await createAdminRole(iam);
  const { Role: role } = await iam.send(
    new CreateRoleCommand({
      RoleName: DEV_ORG.targetRoleName,
      Description: 'Assumed by the getSTScreds broker in the DevOps account',
      // The same builder as the CDK app's TargetRoleStack. Its default trusts the broker's role
      // alone (no Service principal), which moto accepts in a trust policy across accounts.
      AssumeRolePolicyDocument: JSON.stringify(targetRoleTrustPolicy({ brokerRoleArn })),
    }),
  );
  for (const policyArn of managedPolicyArns({ partition: 'aws', preset: 'seed' })) {
    await iam.send(new AttachRolePolicyCommand({ RoleName: DEV_ORG.targetRoleName, PolicyArn: policyArn }));
  }
  const bucket = sampleBucketName(target);
  const s3 = new S3Client({ ...clientConfig(endpoint, credentials), forcePathStyle: true });
  await s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      CreateBucketConfiguration: { LocationConstraint: DEV_ORG.region },
    }),
  );
  if (!role?.Arn) throw new Error(`moto did not create ${DEV_ORG.targetRoleName} in ${target.accountId}`);
  return { ...target, roleArn: role.Arn, bucket };
};

/**
 * Makes the DevOps account the management account of an organization whose members are the
 * targets. moto draws member ids at random; the local organization's moto gives each target's
 * alias its id (startMotoServer's `memberAccountIds`), and this checks that it did.
 */
const seedMembership = async (endpoint: string, credentials: AwsCredentialIdentity): Promise<string> => {
  const organizations = new OrganizationsClient(clientConfig(endpoint, credentials));
  const { Organization: organization } = await organizations.send(
    new CreateOrganizationCommand({ FeatureSet: 'ALL' }),
  );
  for (const target of DEV_ORG.targets) {
    const { CreateAccountStatus: status } = await organizations.send(
      new CreateAccountCommand({
        AccountName: target.alias,
        Email: `stscreds-dev+${target.alias}@example.com`,
      }),
    );
    if (status?.AccountId !== target.accountId) {
      throw new Error(
        `moto made ${target.alias} account ${status?.AccountId}, not ${target.accountId}: start it with startMotoServer's memberAccountIds`,
      );
    }
  }
  // Service control policies are on, as in most organizations: revocations can use them.
  const { Roots: roots } = await organizations.send(new ListRootsCommand({}));
  await organizations.send(
    new EnablePolicyTypeCommand({ RootId: roots?.[0]?.Id, PolicyType: 'SERVICE_CONTROL_POLICY' }),
  );
  if (!organization?.Id) throw new Error('moto did not create the organization');
  return organization.Id;
};

/**
 * Seeds the local organization on a moto whose authentication is still off: an organization
 * with the DevOps account as its management account and the targets as members; the DevOps
 * account with the broker's role, its `sts_assumerole` policy, its two functions (recorded,
 * not run) and the callers; each target
 * with a `lambda_sts` role that trusts the broker and a sample bucket.
 *
 * @example
 * const moto = await startMotoServer();
 * const org = await seedOrganization(moto.endpoint);
 * await moto.enforceAuth();
 */
export async function seedOrganization(endpoint: string): Promise<SeededOrganization> {
  const devopsSession = await sessionIn(endpoint, DEV_ORG.devopsAccountId);
  const organizationId = await seedMembership(endpoint, devopsSession);
  const devopsIam = new IAMClient(clientConfig(endpoint, devopsSession));
  await createAdminRole(devopsIam);
  const devops = await seedDevops(devopsIam);
  await seedBrokerFunctions(
    endpoint,
    devopsSession,
    devops.brokerRoleArn,
    devops.callers.map((c) => c.arn),
  );
  const targets = await Promise.all(
    DEV_ORG.targets.map((t) => seedTarget(endpoint, t, devops.brokerRoleArn)),
  );
  return { organizationId, ...devops, targets };
}
