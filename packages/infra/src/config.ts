import { type ManagedPolicyPreset, partitionOf } from '@stscreds/iam';

export { partitionOf };

/** Who may invoke getSTScreds, as far as the function's own resource policy goes. */
export type BrokerInvokers =
  /** Any principal of the organization (`aws:PrincipalOrgID`); needs `organizationId`. */
  | { readonly kind: 'organization' }
  /** These principal ARNs, or whole accounts given as 12-digit ids. */
  | { readonly kind: 'principals'; readonly principals: readonly string[] }
  /** No resource policy: only principals of the broker's own account whose IAM policies allow it. */
  | { readonly kind: 'none' };

/** The broker in the DevOps account: `BrokerStack`. */
export interface BrokerSettings {
  /** @default 'us-west-2' */
  readonly region: string;
  /** @default 'getSTScreds' */
  readonly functionName: string;
  /**
   * The execution role. `lambda_basic_execution` gives the seed's name; any other name, a
   * dedicated role.
   *
   * @default 'stscreds-broker'
   */
  readonly roleName: string;
  /**
   * Use an existing role of that name instead of creating one, as the seed edited the
   * default role. The stack then only adds `sts_assumerole` and the logging and SSM grants.
   *
   * @default false
   */
  readonly importRole: boolean;
  /**
   * The value identity proofs must sign in `x-stscreds-audience`, unique to this deployment.
   * @default - the function's ARN, `arn:aws:lambda:<region>:<brokerAccountId>:function:<functionName>`
   */
  readonly audience: string;
  /** @default - `{ kind: 'organization' }` with an organization id, else `{ kind: 'none' }` */
  readonly invokers: BrokerInvokers;
  /**
   * Add a Function URL with `AWS_IAM` auth, served by a second function,
   * `<functionName>-url`, that takes Function URL requests only. The invokers may call it
   * through the URL alone (`lambda:InvokedViaFunctionUrl`), never invoke it directly.
   *
   * @default false
   */
  readonly functionUrl: boolean;
  /**
   * Reserved concurrency: a ceiling that also keeps the broker under the STS quota of about
   * 600 requests/s per account.
   *
   * @default - none: the function shares the account's unreserved concurrency
   */
  readonly reservedConcurrency?: number | undefined;
  /** Memory in MB; CPU scales with it (docs/deploy.md, "Sizing"). @default 256 */
  readonly memorySize: number;
  /** @default 365 */
  readonly logRetentionDays: number;
  /** @default '/stscreds/access-policy' */
  readonly accessPolicyParameterName: string;
  /**
   * The access policy document the broker enforces, delivered as the SSM parameter.
   *
   * @default - deny everyone: `{ "version": 1, "rules": [] }`
   */
  readonly accessPolicy: unknown;
  /** How long the broker caches the parameter, in seconds. @default 300 */
  readonly accessPolicyMaxAgeSeconds: number;
  /** Denials within 5 minutes that raise the denial-spike alarm. @default 25 */
  readonly deniedSpikeThreshold: number;
  /** An SNS topic ARN the alarms notify. @default - alarms with no action */
  readonly alarmTopicArn?: string | undefined;
}

/** The role in every target account: `TargetRoleStack`. */
export interface TargetSettings {
  /** @default 'lambda_sts' */
  readonly roleName: string;
  /** @default 'seed' */
  readonly managedPolicyPreset: ManagedPolicyPreset;
  /** Policy names or ARNs for the `custom` preset. @default [] */
  readonly customManagedPolicies: readonly string[];
  /** Refuse sessions without a SourceIdentity. @default false */
  readonly requireSourceIdentity: boolean;
  /** Also trust `lambda.amazonaws.com`, as the seed did; gives the broker nothing. @default false */
  readonly trustLambdaService: boolean;
}

/** The organization-wide rollout of the target role: `OrgRolloutStack`. */
export interface RolloutSettings {
  /**
   * The management account, or a delegated administrator for StackSets.
   *
   * @default - no OrgRolloutStack
   */
  readonly accountId?: string | undefined;
  /** `SELF` from the management account, `DELEGATED_ADMIN` from a delegated administrator. @default 'SELF' */
  readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
  /** The OUs (or the root, `r-…`) whose accounts get the target role. @default [] */
  readonly organizationalUnitIds: readonly string[];
  /** Accounts of those OUs that must not get it. @default [] */
  readonly excludeAccountIds: readonly string[];
  /**
   * The one region the stack instances are created in. IAM is global: a second region would
   * try to create the same role again, and fail.
   *
   * @default - the broker's region
   */
  readonly region: string;
  /** @default 'stscreds-target-role' */
  readonly stackSetName: string;
}

/** The whole configuration of the stscreds CDK app. */
export interface StsCredsInfraConfig {
  /** The DevOps account that runs the broker. */
  readonly brokerAccountId: string;
  /**
   * The organization: the broker may then reach only its accounts (`aws:ResourceOrgID`), and
   * the target role trusts only principals of it (`aws:PrincipalOrgID`).
   *
   * @default - none: `targetAccountIds` must list the accounts
   */
  readonly organizationId?: string | undefined;
  /**
   * Accounts the broker may reach, as explicit ARNs in `sts_assumerole`. With an organization
   * id too, both must hold.
   *
   * @default []
   */
  readonly targetAccountIds: readonly string[];
  readonly broker: BrokerSettings;
  readonly target: TargetSettings;
  readonly rollout: RolloutSettings;
}

/**
 * The broker's execution role ARN, as the target roles must name it.
 *
 * @example
 * brokerRoleArnOf(config); // 'arn:aws:iam::111111111111:role/stscreds-broker'
 */
export const brokerRoleArnOf = (config: StsCredsInfraConfig): string =>
  `arn:${partitionOf(config.broker.region)}:iam::${config.brokerAccountId}:role/${config.broker.roleName}`;
