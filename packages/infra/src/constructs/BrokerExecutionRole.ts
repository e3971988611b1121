import { DEFAULT_ROLE_NAME } from '@stscreds/contract';
import { brokerAssumeRolePolicy, STS_ASSUME_ROLE_POLICY_NAME } from '@stscreds/iam';
import { Aws, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface BrokerExecutionRoleProps {
  /**
   * The role's name. The target roles trust it by ARN, so it is fixed rather than generated.
   *
   * @default 'stscreds-broker'
   */
  readonly roleName?: string;
  /**
   * Use the existing role of that name (as the seed edited `lambda_basic_execution`) and only
   * add the policies to it.
   *
   * @default false
   */
  readonly importExisting?: boolean;
  /** @default 'lambda_sts' */
  readonly targetRoleName?: string;
  /**
   * Restrict `sts_assumerole` to the accounts of this organization (`aws:ResourceOrgID`).
   *
   * @default - none; `targetAccountIds` is then required
   */
  readonly organizationId?: string | undefined;
  /** @default - any account of `organizationId` */
  readonly targetAccountIds?: readonly string[] | undefined;
}

/**
 * The broker's execution role and its inline policy `sts_assumerole`, built by
 * {@link brokerAssumeRolePolicy}: the target role only, in the organization or the listed
 * accounts.
 *
 * @example
 * const exec = new BrokerExecutionRole(this, 'ExecutionRole', { organizationId: 'o-a1b2c3d4e5' });
 * exec.role.roleArn;
 */
export class BrokerExecutionRole extends Construct {
  readonly role: iam.IRole;
  /** `sts_assumerole`. */
  readonly assumeRolePolicy: iam.Policy;

  constructor(scope: Construct, id: string, props: BrokerExecutionRoleProps = {}) {
    super(scope, id);
    const roleName = props.roleName ?? 'stscreds-broker';
    const targetRoleName = props.targetRoleName ?? DEFAULT_ROLE_NAME;
    this.role = props.importExisting
      ? iam.Role.fromRoleName(this, 'ImportedRole', roleName, { mutable: true })
      : new iam.Role(this, 'Role', {
          roleName,
          description: 'Execution role of the getSTScreds broker',
          assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        });
    const document = brokerAssumeRolePolicy({
      partition: Aws.PARTITION,
      targetRoleName,
      organizationId: props.organizationId,
      targetAccountIds: props.targetAccountIds,
    });
    this.assumeRolePolicy = new iam.Policy(this, 'StsAssumeRole', {
      policyName: STS_ASSUME_ROLE_POLICY_NAME,
      document: iam.PolicyDocument.fromJson(document),
      roles: [this.role],
      force: true,
    });
    if (!props.targetAccountIds?.length) {
      Validations.of(this.assumeRolePolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${targetRoleName}]`,
        reason: `The account is the only wildcard: the role name is fixed (${targetRoleName}) and aws:ResourceOrgID limits the accounts to the organization, which grows without a redeploy.`,
      });
    }
  }
}
