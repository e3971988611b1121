import { urlFunctionGuardPolicy, urlFunctionNameOf } from '@stscreds/iam';
import { BootstraplessSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import type { Construct } from 'constructs';
import { partitionOf, type StsCredsInfraConfig } from '../config.ts';
import { TargetRoleStackSet } from '../constructs/TargetRoleStackSet.ts';
import { synthesizeTargetRoleTemplate } from './synthesizeTargetRoleTemplate.ts';

export interface OrgRolloutStackProps extends Omit<StackProps, 'synthesizer'> {
  readonly config: StsCredsInfraConfig;
}

/**
 * The organization-wide rollout, for the management account or a StackSets delegated
 * administrator: a service-managed StackSet of the TargetRoleStack template over the
 * configured OUs, with auto-deployment to accounts that join later. With a Function URL, and
 * from the management account itself (`callAs: 'SELF'`), also a service control policy on
 * the broker's account that denies invoking the URL function other than through its URL
 * ({@link urlFunctionGuardPolicy}); an SCP has no effect on the management account, so none
 * is made when the broker runs there.
 *
 * @example
 * new OrgRolloutStack(app, 'StsCredsOrgRollout', { config, env: { account: '000000000000', region: 'us-west-2' } });
 */
export class OrgRolloutStack extends Stack {
  readonly stackSet: TargetRoleStackSet;
  /** The SCP guarding the URL function, when one is made. */
  readonly urlFunctionGuard: organizations.CfnPolicy | undefined;

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
    const { broker, brokerAccountId } = props.config;
    this.urlFunctionGuard =
      broker.functionUrl && rollout.callAs === 'SELF' && rollout.accountId !== brokerAccountId
        ? new organizations.CfnPolicy(this, 'UrlFunctionGuard', {
            name: `${urlFunctionNameOf(broker.functionName)}-direct-invoke-guard`,
            description: 'stscreds: only the Function URL may invoke the URL broker function',
            type: 'SERVICE_CONTROL_POLICY',
            content: urlFunctionGuardPolicy({
              partition: partitionOf(broker.region),
              region: broker.region,
              accountId: brokerAccountId,
              functionName: urlFunctionNameOf(broker.functionName),
            }),
            targetIds: [brokerAccountId],
          })
        : undefined;
  }
}
