import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { ChainModel, ChainTarget, NamedPolicy } from './ChainModel.ts';
import { decodePolicyDocument as documentOf } from './decodePolicyDocument.ts';
import { ChainInputError } from './errors.ts';
import { readLiveFunctions } from './readLiveFunctions.ts';
import { readRoleTrustPolicy as readTrustPolicy } from './readRoleTrustPolicy.ts';
import { urlFunctionNotes } from './urlFunctionNotes.ts';

export interface ReadLiveChainOptions {
  /** The broker's execution role. */
  readonly brokerRoleArn: string;
  /** The accounts whose target role is read. */
  readonly targetAccountIds: readonly string[];
  /** @default 'lambda_sts' */
  readonly targetRoleName?: string;
  /** The organization, when the deployment uses one. @default - none */
  readonly organizationId?: string | undefined;
  /** An IAM client that reads the given account. */
  readonly iamFor: (accountId: string) => Promise<IAMClient>;
  /** A Lambda client for the broker's account and region, to read its functions. @default - functions not read */
  readonly lambdaFor?: (accountId: string) => Promise<LambdaClient>;
}

const ROLE_ARN = /^arn:([\w-]+):iam::([0-9]{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

const readRolePolicies = async (iam: IAMClient, roleName: string): Promise<NamedPolicy[]> => {
  const policies: NamedPolicy[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker: marker }));
    for (const name of page.PolicyNames ?? []) {
      const { PolicyDocument: text } = await iam.send(
        new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }),
      );
      policies.push({ name, policy: documentOf(text, `${roleName}/${name}`) });
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  do {
    const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker }));
    for (const attached of page.AttachedPolicies ?? []) {
      if (!attached.PolicyArn) continue;
      const { Policy: policy } = await iam.send(new GetPolicyCommand({ PolicyArn: attached.PolicyArn }));
      const { PolicyVersion: version } = await iam.send(
        new GetPolicyVersionCommand({ PolicyArn: attached.PolicyArn, VersionId: policy?.DefaultVersionId }),
      );
      policies.push({
        name: attached.PolicyName ?? attached.PolicyArn,
        policy: documentOf(version?.Document, attached.PolicyArn),
      });
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return policies;
};

/**
 * Reads the credential chain as deployed, through the IAM API: the broker role's inline and
 * attached policies in its account, and the target role's trust policy in each target
 * account; with `lambdaFor`, the functions that run as the broker role, with their resource
 * policies, through the Lambda API. A missing target role is kept, so that verification reports it.
 *
 * @throws {ChainInputError} for a broker role ARN that is malformed or names no role.
 * @example
 * const model = await readLiveChain({ brokerRoleArn, targetAccountIds: ['222222222222'], iamFor });
 */
export async function readLiveChain(options: ReadLiveChainOptions): Promise<ChainModel> {
  const match = ROLE_ARN.exec(options.brokerRoleArn);
  if (!match?.[1] || !match[2] || !match[3]) {
    throw new ChainInputError(`"${options.brokerRoleArn}" is not an IAM role ARN`);
  }
  const [, partition, brokerAccount, brokerRoleName] = match;
  const targetRoleName = options.targetRoleName ?? 'lambda_sts';
  const brokerIam = await options.iamFor(brokerAccount);
  if (!(await readTrustPolicy(brokerIam, brokerRoleName))) {
    throw new ChainInputError(`The broker role ${options.brokerRoleArn} does not exist`);
  }
  const policies = await readRolePolicies(brokerIam, brokerRoleName);
  const targets: ChainTarget[] = [];
  for (const accountId of options.targetAccountIds) {
    const iam = await options.iamFor(accountId);
    targets.push({
      accountId,
      roleName: targetRoleName,
      trustPolicy: await readTrustPolicy(iam, targetRoleName),
      source: `IAM in ${accountId}`,
    });
  }
  const functions = options.lambdaFor
    ? await readLiveFunctions(await options.lambdaFor(brokerAccount), options.brokerRoleArn, partition)
    : undefined;
  return {
    partition,
    organizationId: options.organizationId,
    broker: { roleArn: options.brokerRoleArn, accountId: brokerAccount, policies },
    targetRoleName,
    targets,
    ...(functions && { functions }),
    notes: functions ? urlFunctionNotes(functions) : ['the functions were not read: no Lambda client'],
  };
}
