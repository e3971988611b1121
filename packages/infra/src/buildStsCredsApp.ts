import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { StsCredsInfraConfig } from './config.ts';
import { BrokerStack } from './stacks/BrokerStack.ts';
import { OrgRolloutStack } from './stacks/OrgRolloutStack.ts';
import { TargetRoleStack } from './stacks/TargetRoleStack.ts';

export interface StsCredsStacks {
  readonly broker: BrokerStack;
  readonly targetRole: TargetRoleStack;
  /** Only when `rollout.accountId` is configured. */
  readonly rollout: OrgRolloutStack | undefined;
}

export interface BuildStsCredsAppOptions {
  /** Check every stack with cdk-nag's AwsSolutions pack; a finding fails the synth. @default true */
  readonly nag?: boolean;
  /** A TypeScript broker entry to bundle at synth instead of the shipped bundle. @default - the bundle this package ships */
  readonly brokerEntry?: string;
}

/**
 * Adds the stscreds stacks to an app: `StsCredsBroker` in the DevOps account,
 * `StsCredsTargetRole` for any one account (the management account among them), and
 * `StsCredsOrgRollout` when a rollout account is configured. The target role deploys after
 * the broker, because IAM refuses a trust policy naming a role that does not exist yet.
 *
 * @example
 * const app = new App();
 * buildStsCredsApp(app, readInfraConfig(app.node.tryGetContext('stscreds')));
 */
export function buildStsCredsApp(
  app: App,
  config: StsCredsInfraConfig,
  options: BuildStsCredsAppOptions = {},
): StsCredsStacks {
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const broker = new BrokerStack(app, 'StsCredsBroker', {
    config,
    env: { account: config.brokerAccountId, region: config.broker.region },
    description: 'stscreds: the getSTScreds broker',
    ...(options.brokerEntry && { entry: options.brokerEntry }),
  });
  const targetRole = new TargetRoleStack(app, 'StsCredsTargetRole', { config });
  targetRole.addStackDependency(broker, 'the trust policy names the broker role, which must exist');
  const rollout =
    config.rollout.accountId === undefined
      ? undefined
      : new OrgRolloutStack(app, 'StsCredsOrgRollout', {
          config,
          env: { account: config.rollout.accountId, region: config.rollout.region },
        });
  rollout?.addStackDependency(broker, 'the rolled-out trust policies name the broker role, which must exist');
  return { broker, targetRole, rollout };
}
