import { ORGANIZATION_ID_PATTERN, TARGET_ROLE_ACTIONS } from './constants.ts';
import { PolicyBuilderError } from './PolicyBuilderError.ts';
import type { PolicyConditions, PolicyDocument, PolicyStatement } from './policyDocument.ts';

export interface TargetRoleTrustPolicyOptions {
  /** The broker's execution role: the only principal the target role trusts. */
  readonly brokerRoleArn: string;
  /**
   * Also require the caller to belong to this organization (`aws:PrincipalOrgID`).
   *
   * @default - no organization condition
   */
  readonly organizationId?: string | undefined;
  /**
   * Refuse sessions that carry no SourceIdentity, so that every session in the target
   * account names the person or workload behind it.
   *
   * @default false
   */
  readonly requireSourceIdentity?: boolean | undefined;
  /**
   * Also trust `lambda.amazonaws.com`, as the seed did. It lets a Lambda function *in the
   * target account* use the role as its execution role; it gives the broker nothing.
   *
   * @default false
   */
  readonly trustLambdaService?: boolean | undefined;
}

/** A role ARN with no wildcard, or a CDK token that resolves to one. */
const ROLE_ARN = /^arn:[\w-]+:iam::[0-9]{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const isToken = (value: string): boolean => value.includes('${Token[');

/**
 * Builds the trust policy of the target role (`lambda_sts`): it trusts only the broker's
 * execution role, for `sts:AssumeRole`, `sts:SetSourceIdentity` and `sts:TagSession`.
 *
 * @throws {PolicyBuilderError} for a principal that is not one role's ARN, or a malformed
 * organization id.
 * @example
 * targetRoleTrustPolicy({ brokerRoleArn: 'arn:aws:iam::111111111111:role/lambda_basic_execution' });
 */
export function targetRoleTrustPolicy(options: TargetRoleTrustPolicyOptions): PolicyDocument {
  const { brokerRoleArn, organizationId } = options;
  if (!isToken(brokerRoleArn) && !ROLE_ARN.test(brokerRoleArn)) {
    throw new PolicyBuilderError(`"${brokerRoleArn}" is not the ARN of one IAM role`);
  }
  if (organizationId !== undefined && !ORGANIZATION_ID_PATTERN.test(organizationId)) {
    throw new PolicyBuilderError(`"${organizationId}" is not an organization id such as o-a1b2c3d4e5`);
  }
  const orgCondition: Record<string, Record<string, string>> = organizationId === undefined
    ? {}
    : { StringEquals: { 'aws:PrincipalOrgID': organizationId } };
  const statement = (
    sid: string,
    actions: readonly string[],
    conditions: PolicyConditions,
  ): PolicyStatement => ({
    Sid: sid,
    Effect: 'Allow',
    Principal: { AWS: brokerRoleArn },
    Action: [...actions],
    ...(Object.keys(conditions).length > 0 && { Condition: conditions }),
  });
  const statements: PolicyStatement[] = options.requireSourceIdentity
    ? [
        // Null=false: the key must be present, whatever its value. AWS's authorization
        // reference lists no sts:SourceIdentity key for sts:TagSession, so that action gets
        // its own statement; without the AssumeRole it completes, no session exists to tag.
        statement('TrustBrokerRole', ['sts:AssumeRole', 'sts:SetSourceIdentity'], {
          ...orgCondition,
          Null: { 'sts:SourceIdentity': 'false' },
        }),
        statement('TrustBrokerRoleSessionTags', ['sts:TagSession'], orgCondition),
      ]
    : [statement('TrustBrokerRole', TARGET_ROLE_ACTIONS, orgCondition)];
  if (options.trustLambdaService) {
    statements.push({
      Sid: 'TrustLambdaServiceSeedFidelity',
      Effect: 'Allow',
      Principal: { Service: 'lambda.amazonaws.com' },
      Action: 'sts:AssumeRole',
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}
