import {
  ACCOUNT_ID_PATTERN,
  ORGANIZATION_ID_PATTERN,
  ROLE_NAME_PATTERN,
  TARGET_ROLE_ACTIONS,
} from './constants.ts';
import { PolicyBuilderError } from './PolicyBuilderError.ts';
import type { PolicyDocument, PolicyStatement } from './policyDocument.ts';

export interface BrokerAssumeRolePolicyOptions {
  /**
   * The ARN partition: `aws`, `aws-cn`, `aws-us-gov`, or a CDK token such as `Aws.PARTITION`.
   */
  readonly partition: string;
  /** The role the broker assumes in each target account; a plain name, never a pattern. */
  readonly targetRoleName: string;
  /**
   * The organization whose accounts the broker may reach, checked with `aws:ResourceOrgID`.
   *
   * @default - no organization condition; `targetAccountIds` must list the accounts
   */
  readonly organizationId?: string | undefined;
  /**
   * The accounts the broker may reach, as explicit role ARNs. With an organization id too,
   * both must hold.
   *
   * @default - any account of `organizationId`
   */
  readonly targetAccountIds?: readonly string[] | undefined;
}

/**
 * Builds `sts_assumerole`, the broker role's inline policy: `sts:AssumeRole`,
 * `sts:SetSourceIdentity` and `sts:TagSession` on the target role name only, either in the
 * accounts of one organization (`aws:ResourceOrgID`) or in listed accounts. It refuses to
 * build anything that names every role or every account outside an organization.
 *
 * @throws {PolicyBuilderError} for a role name that is a pattern, a malformed account or
 * organization id, or neither an organization nor accounts.
 * @example
 * brokerAssumeRolePolicy({ partition: 'aws', targetRoleName: 'lambda_sts', organizationId: 'o-a1b2c3d4e5' });
 * // Resource arn:aws:iam::*:role/lambda_sts, Condition StringEquals aws:ResourceOrgID o-a1b2c3d4e5
 */
export function brokerAssumeRolePolicy(options: BrokerAssumeRolePolicyOptions): PolicyDocument {
  const { partition, targetRoleName, organizationId } = options;
  const accounts = options.targetAccountIds ?? [];
  if (!ROLE_NAME_PATTERN.test(targetRoleName)) {
    throw new PolicyBuilderError(`"${targetRoleName}" is not an IAM role name`);
  }
  for (const account of accounts) {
    if (!ACCOUNT_ID_PATTERN.test(account)) {
      throw new PolicyBuilderError(`"${account}" is not a 12-digit account id`);
    }
  }
  if (organizationId !== undefined && !ORGANIZATION_ID_PATTERN.test(organizationId)) {
    throw new PolicyBuilderError(`"${organizationId}" is not an organization id such as o-a1b2c3d4e5`);
  }
  if (organizationId === undefined && accounts.length === 0) {
    throw new PolicyBuilderError(
      'The broker needs an organization id or a list of target accounts: without either it could assume the role in any account',
    );
  }
  const statement: PolicyStatement = {
    Sid: 'AssumeTargetRole',
    Effect: 'Allow',
    Action: [...TARGET_ROLE_ACTIONS],
    Resource:
      accounts.length > 0
        ? [...new Set(accounts)].map((account) => `arn:${partition}:iam::${account}:role/${targetRoleName}`)
        : `arn:${partition}:iam::*:role/${targetRoleName}`,
    ...(organizationId !== undefined && {
      Condition: { StringEquals: { 'aws:ResourceOrgID': organizationId } },
    }),
  };
  return { Version: '2012-10-17', Statement: [statement] };
}
