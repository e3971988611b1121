import { describe, expect, it } from 'vitest';
import {
  brokerAssumeRolePolicy,
  managedPolicyArns,
  PolicyBuilderError,
  SEED_MANAGED_POLICY_NAMES,
  targetRoleTrustPolicy,
} from '../src/policies/index.ts';

const BROKER = 'arn:aws:iam::111111111111:role/lambda_basic_execution';

describe('brokerAssumeRolePolicy', () => {
  it('limits an organization-wide policy with aws:ResourceOrgID, on the target role name only', () => {
    expect(
      brokerAssumeRolePolicy({
        partition: 'aws',
        targetRoleName: 'lambda_sts',
        organizationId: 'o-a1b2c3d4e5',
      }),
    ).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AssumeTargetRole',
          Effect: 'Allow',
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
          Resource: 'arn:aws:iam::*:role/lambda_sts',
          Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } },
        },
      ],
    });
  });

  it('lists each allowed account without an organization, once each', () => {
    const policy = brokerAssumeRolePolicy({
      partition: 'aws-us-gov',
      targetRoleName: 'lambda_sts',
      targetAccountIds: ['222222222222', '333333333333', '222222222222'],
    });
    expect(policy.Statement[0]?.Resource).toEqual([
      'arn:aws-us-gov:iam::222222222222:role/lambda_sts',
      'arn:aws-us-gov:iam::333333333333:role/lambda_sts',
    ]);
    expect(policy.Statement[0]?.Condition).toBeUndefined();
  });

  it('keeps both limits when given both', () => {
    const [statement] = brokerAssumeRolePolicy({
      partition: 'aws',
      targetRoleName: 'lambda_sts',
      organizationId: 'o-a1b2c3d4e5',
      targetAccountIds: ['222222222222'],
    }).Statement;
    expect(statement?.Resource).toEqual(['arn:aws:iam::222222222222:role/lambda_sts']);
    expect(statement?.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } });
  });

  it.each([
    [{ targetRoleName: '*', organizationId: 'o-a1b2c3d4e5' }, /not an IAM role name/],
    [{ targetRoleName: 'lambda_*', organizationId: 'o-a1b2c3d4e5' }, /not an IAM role name/],
    [{ targetRoleName: 'path/lambda_sts', organizationId: 'o-a1b2c3d4e5' }, /not an IAM role name/],
    [{ targetRoleName: 'lambda_sts' }, /organization id or a list of target accounts/],
    [{ targetRoleName: 'lambda_sts', targetAccountIds: ['*'] }, /not a 12-digit account id/],
    [{ targetRoleName: 'lambda_sts', organizationId: 'o-*' }, /not an organization id/],
  ])('refuses what would widen it: %j', (options, message) => {
    expect(() => brokerAssumeRolePolicy({ partition: 'aws', ...options })).toThrow(PolicyBuilderError);
    expect(() => brokerAssumeRolePolicy({ partition: 'aws', ...options })).toThrow(message);
  });
});

describe('targetRoleTrustPolicy', () => {
  it('trusts the broker role alone, for the three actions the broker needs', () => {
    expect(targetRoleTrustPolicy({ brokerRoleArn: BROKER })).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'TrustBrokerRole',
          Effect: 'Allow',
          Principal: { AWS: BROKER },
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
        },
      ],
    });
  });

  it('adds the organization condition to every statement, and SourceIdentity where IAM can see it', () => {
    const policy = targetRoleTrustPolicy({
      brokerRoleArn: BROKER,
      organizationId: 'o-a1b2c3d4e5',
      requireSourceIdentity: true,
    });
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
          Null: { 'sts:SourceIdentity': 'false' },
        },
      }),
      expect.objectContaining({
        Action: ['sts:TagSession'],
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      }),
    ]);
    for (const statement of policy.Statement) expect(statement.Principal).toEqual({ AWS: BROKER });
  });

  it('adds the Lambda service trust only when asked, and for AssumeRole only', () => {
    const statements = targetRoleTrustPolicy({ brokerRoleArn: BROKER, trustLambdaService: true }).Statement;
    expect(statements[1]).toEqual({
      Sid: 'TrustLambdaServiceSeedFidelity',
      Effect: 'Allow',
      Principal: { Service: 'lambda.amazonaws.com' },
      Action: 'sts:AssumeRole',
    });
    expect(JSON.stringify(targetRoleTrustPolicy({ brokerRoleArn: BROKER }))).not.toContain(
      'lambda.amazonaws.com',
    );
  });

  it.each([
    'arn:aws:iam::111111111111:root',
    'arn:aws:iam::111111111111:role/*',
    'arn:aws:iam::*:role/lambda_basic_execution',
    '111111111111',
    '*',
  ])('refuses a principal that is not one role: %s', (brokerRoleArn) => {
    expect(() => targetRoleTrustPolicy({ brokerRoleArn })).toThrow(PolicyBuilderError);
  });
});

describe('managedPolicyArns', () => {
  it('gives the seed preset the seed’s five policies under today’s names', () => {
    expect(managedPolicyArns({ partition: 'aws', preset: 'seed' })).toEqual([
      'arn:aws:iam::aws:policy/AmazonEC2FullAccess',
      'arn:aws:iam::aws:policy/AmazonS3FullAccess',
      'arn:aws:iam::aws:policy/CloudWatchFullAccess',
      'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess',
      'arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess',
    ]);
    expect(SEED_MANAGED_POLICY_NAMES).not.toContain('AWSCloudTrailFullAccess');
  });

  it('gives readonly ReadOnlyAccess, and custom the given names and ARNs', () => {
    expect(managedPolicyArns({ partition: 'aws-cn', preset: 'readonly' })).toEqual([
      'arn:aws-cn:iam::aws:policy/ReadOnlyAccess',
    ]);
    expect(
      managedPolicyArns({
        partition: 'aws',
        preset: 'custom',
        custom: ['job-function/ViewOnlyAccess', 'arn:aws:iam::222222222222:policy/stscreds-deploy'],
      }),
    ).toEqual([
      'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess',
      'arn:aws:iam::222222222222:policy/stscreds-deploy',
    ]);
  });

  it('refuses an empty or malformed custom list', () => {
    expect(() => managedPolicyArns({ partition: 'aws', preset: 'custom' })).toThrow(PolicyBuilderError);
    expect(() =>
      managedPolicyArns({ partition: 'aws', preset: 'custom', custom: ['arn:aws:s3:::bucket'] }),
    ).toThrow(/neither a managed policy name nor a policy ARN/);
  });
});
