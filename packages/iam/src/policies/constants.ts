/** The name of the broker role's inline policy, as the seed calls it. */
export const STS_ASSUME_ROLE_POLICY_NAME = 'sts_assumerole';

/**
 * What the broker does to a target role: assume it, and attribute the session with a
 * SourceIdentity and a session tag. AWS checks each action on its own, in both the broker's
 * policy and the target's trust policy.
 */
export const TARGET_ROLE_ACTIONS = ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'] as const;

/** The seed's managed policies on `lambda_sts`, under today's names (`AWSCloudTrailFullAccess` is gone). */
export const SEED_MANAGED_POLICY_NAMES = [
  'AmazonEC2FullAccess',
  'AmazonS3FullAccess',
  'CloudWatchFullAccess',
  'AmazonDynamoDBFullAccess',
  'AWSCloudTrail_FullAccess',
] as const;

/** What IAM accepts as a role name; no wildcard can slip through. */
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;

export const ACCOUNT_ID_PATTERN = /^[0-9]{12}$/;

/** An AWS Organizations organization id. */
export const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;

/**
 * The name under which revocations of issued sessions are written: the inline policy on the
 * target role, and the service control policy of the organization.
 */
export const REVOCATION_POLICY_NAME = 'stscreds-revocations';
