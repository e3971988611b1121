import { DEFAULT_ROLE_NAME } from '@stscreds/contract';
import { type ManagedPolicyPreset, managedPolicyArns, targetRoleTrustPolicy } from '@stscreds/iam';
import { Aws, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface TargetRoleProps {
  /** @default 'lambda_sts' */
  readonly roleName?: string;
  /** The broker's execution role ARN: the one principal trusted. */
  readonly brokerRoleArn: string;
  /** Require callers of this organization (`aws:PrincipalOrgID`). @default - no condition */
  readonly organizationId?: string | undefined;
  /** Refuse sessions without a SourceIdentity. @default false */
  readonly requireSourceIdentity?: boolean;
  /** Also trust `lambda.amazonaws.com`, for seed fidelity only. @default false */
  readonly trustLambdaService?: boolean;
  /** @default 'seed' */
  readonly managedPolicyPreset?: ManagedPolicyPreset;
  /** Names or ARNs, for the `custom` preset. @default [] */
  readonly customManagedPolicies?: readonly string[];
}

const PRESET_REASONS: Record<ManagedPolicyPreset, string> = {
  seed: 'The seed preset reproduces the seed’s full-access role on purpose; docs/deploy.md explains how to scope it down with the readonly or custom preset, or a forced session policy.',
  readonly:
    'ReadOnlyAccess is the narrowest AWS managed policy that serves general inspection; customer managed policies would have to exist in every account first.',
  custom: 'The operator chose these managed policies with the custom preset.',
};

/**
 * The role the broker assumes in a target account (`lambda_sts`). The trust policy comes
 * from {@link targetRoleTrustPolicy} verbatim (an L1 role, so nothing is rewritten on the
 * way), and the managed policies from a preset.
 *
 * @example
 * new TargetRole(this, 'TargetRole', {
 *   brokerRoleArn: 'arn:aws:iam::111111111111:role/stscreds-broker',
 *   managedPolicyPreset: 'readonly',
 * });
 */
export class TargetRole extends Construct {
  readonly role: iam.CfnRole;
  readonly roleName: string;

  constructor(scope: Construct, id: string, props: TargetRoleProps) {
    super(scope, id);
    this.roleName = props.roleName ?? DEFAULT_ROLE_NAME;
    const preset = props.managedPolicyPreset ?? 'seed';
    const arns = managedPolicyArns({ partition: Aws.PARTITION, preset, custom: props.customManagedPolicies });
    this.role = new iam.CfnRole(this, 'Role', {
      roleName: this.roleName,
      description: 'Assumed by the getSTScreds broker in the DevOps account',
      assumeRolePolicyDocument: targetRoleTrustPolicy({
        brokerRoleArn: props.brokerRoleArn,
        organizationId: props.organizationId,
        requireSourceIdentity: props.requireSourceIdentity,
        trustLambdaService: props.trustLambdaService,
      }),
      managedPolicyArns: arns,
      // A role chained from the broker's Lambda session lasts at most one hour anyway.
      maxSessionDuration: 3600,
    });
    for (const arn of arns) {
      const shown = arn.replace(Aws.PARTITION, '<AWS::Partition>');
      if (!shown.includes(':iam::aws:policy/')) continue;
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM4[Policy::${shown}]`,
        reason: PRESET_REASONS[preset],
      });
    }
  }
}
