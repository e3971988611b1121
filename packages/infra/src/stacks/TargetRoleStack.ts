import { BootstraplessSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { brokerRoleArnOf, type StsCredsInfraConfig } from '../config.ts';
import { TargetRole } from '../constructs/TargetRole.ts';

export interface TargetRoleStackProps extends Omit<StackProps, 'synthesizer'> {
  readonly config: StsCredsInfraConfig;
}

/**
 * The target account's half: the role `lambda_sts`. It has no assets and no bootstrap
 * parameters (a bootstrapless synthesizer), so StackSets can deploy its template to accounts
 * that were never bootstrapped.
 *
 * @example
 * new TargetRoleStack(app, 'StsCredsTargetRole', { config });
 */
export class TargetRoleStack extends Stack {
  readonly targetRole: TargetRole;

  constructor(scope: Construct, id: string, props: TargetRoleStackProps) {
    super(scope, id, {
      description: 'stscreds: the role the getSTScreds broker assumes in this account',
      analyticsReporting: false,
      ...props,
      synthesizer: new BootstraplessSynthesizer(),
    });
    const { config } = props;
    this.targetRole = new TargetRole(this, 'TargetRole', {
      roleName: config.target.roleName,
      brokerRoleArn: brokerRoleArnOf(config),
      organizationId: config.organizationId,
      requireSourceIdentity: config.target.requireSourceIdentity,
      trustLambdaService: config.target.trustLambdaService,
      managedPolicyPreset: config.target.managedPolicyPreset,
      customManagedPolicies: config.target.customManagedPolicies,
    });
  }
}
