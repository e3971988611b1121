import { STS_ASSUME_ROLE_POLICY_NAME } from '@stscreds/iam/policies';

/** The local organization's shape: one DevOps account, two targets, two callers. */
export const DEV_ORG = {
  region: 'us-west-2',
  devopsAccountId: '111111111111',
  functionName: 'getSTScreds',
  /** The broker's execution role, under the seed's name. */
  brokerRoleName: 'lambda_basic_execution',
  /** The inline policy on the broker's role, under the seed's name. */
  brokerPolicyName: STS_ASSUME_ROLE_POLICY_NAME,
  targetRoleName: 'lambda_sts',
  /** Present in every account, as AWS Organizations creates it; the seeding and the operator use it. */
  adminRoleName: 'OrganizationAccountAccessRole',
  targets: [
    { alias: 'prod', accountId: '222222222222' },
    { alias: 'staging', accountId: '333333333333' },
  ],
  callers: [
    { name: 'alice', targets: ['prod', 'staging'] },
    { name: 'bob', targets: ['staging'] },
  ],
  stateDir: '.stscreds/dev',
  /** The SSM parameter the local broker reads its access policy from, as a deployed one does. */
  accessPolicyParameter: '/stscreds/access-policy',
  /**
   * How long the local broker keeps the policy before reading it again. Short, so that a
   * revocation shows within seconds; a deployed broker's default is 300.
   */
  accessPolicyMaxAgeSeconds: 5,
  /**
   * The value identity proofs must sign in x-stscreds-audience. As a deployed broker's default,
   * it is the function's ARN: unique to the broker, so that its proofs are good for no other.
   */
  audience: 'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds',
} as const;

/** A target account of the local organization. */
export interface DevTarget {
  readonly alias: string;
  readonly accountId: string;
}

/** The sample bucket each target account holds, named so that nobody mistakes whose it is. */
export const sampleBucketName = (target: DevTarget): string =>
  `stscreds-dev-${target.alias}-${target.accountId}`;

/**
 * The local organization's access policy: alice may reach every target, bob only staging.
 * Anyone else, and any unverified caller, is denied.
 */
export const devAccessPolicy = () => ({
  version: 1,
  allowUnverifiedCallers: false,
  trustedCallerAccounts: [DEV_ORG.devopsAccountId],
  aliases: Object.fromEntries(DEV_ORG.targets.map((t) => [t.alias, t.accountId])),
  rules: DEV_ORG.callers.map((caller) => ({
    id: `${caller.name}-${caller.targets.join('-')}`,
    description: `${caller.name} may reach ${caller.targets.join(' and ')}`,
    effect: 'allow' as const,
    callers: [`arn:aws:iam::${DEV_ORG.devopsAccountId}:user/${caller.name}`],
    accounts: [...caller.targets],
    roles: [DEV_ORG.targetRoleName],
  })),
});
