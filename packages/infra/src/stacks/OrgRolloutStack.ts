import { BootstraplessSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StsCredsInfraConfig } from '../config.ts';
import { TargetRoleStackSet } from '../constructs/TargetRoleStackSet.ts';
import { synthesizeTargetRoleTemplate } from './synthesizeTargetRoleTemplate.ts';

export interface OrgRolloutStackProps extends Omit<StackProps, 'synthesizer'> {
  readonly config: StsCredsInfraConfig;
}

/**
 * The organization-wide rollout, for the management account or a StackSets delegated
 * administrator: a service-managed StackSet of the TargetRoleStack template over the
 * configured OUs, with auto-deployment to accounts that join later.
 *
 * @example
 * new OrgRolloutStack(app, 'StsCredsOrgRollout', { config, env: { account: '000000000000', region: 'us-west-2' } });
 */
export class OrgRolloutStack extends Stack {
  readonly stackSet: TargetRoleStackSet;

  constructor(scope: Construct, id: string, props: OrgRolloutStackProps) {
    super(scope, id, {
      description: 'stscreds: rolls the target role out to the organization with a StackSet',
      ...props,
      // No assets: the management account needs no CDK bootstrap to deploy it.
      synthesizer: new BootstraplessSynthesizer(),
    });
    const { rollout } = props.config;
    this.stackSet = new TargetRoleStackSet(this, 'TargetRoles', {
      template: synthesizeTargetRoleTemplate(props.config),
      stackSetName: rollout.stackSetName,
      organizationalUnitIds: rollout.organizationalUnitIds,
      excludeAccountIds: rollout.excludeAccountIds,
      region: rollout.region,
      callAs: rollout.callAs,
    });
  }
}
