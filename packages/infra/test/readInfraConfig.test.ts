import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokerRoleArnOf } from '../src/config.ts';
import { InfraConfigError, readInfraConfig } from '../src/readInfraConfig.ts';

const problemsOf = (raw: unknown): readonly string[] => {
  try {
    readInfraConfig(raw);
  } catch (error) {
    if (error instanceof InfraConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('readInfraConfig', () => {
  it('fills every default around the two required facts', () => {
    const config = readInfraConfig({ brokerAccountId: '111111111111', organizationId: 'o-a1b2c3d4e5' });
    expect(config).toEqual({
      brokerAccountId: '111111111111',
      organizationId: 'o-a1b2c3d4e5',
      targetAccountIds: [],
      broker: {
        region: 'us-west-2',
        functionName: 'getSTScreds',
        roleName: 'stscreds-broker',
        importRole: false,
        audience: 'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds',
        invokers: { kind: 'organization' },
        functionUrl: false,
        reservedConcurrency: undefined,
        memorySize: 256,
        logRetentionDays: 365,
        accessPolicyParameterName: '/stscreds/access-policy',
        accessPolicy: { version: 1, rules: [] },
        accessPolicyMaxAgeSeconds: 300,
        deniedSpikeThreshold: 25,
        alarmTopicArn: undefined,
      },
      target: {
        roleName: 'lambda_sts',
        managedPolicyPreset: 'seed',
        customManagedPolicies: [],
        requireSourceIdentity: false,
        trustLambdaService: false,
      },
      rollout: {
        accountId: undefined,
        callAs: 'SELF',
        organizationalUnitIds: [],
        excludeAccountIds: [],
        region: 'us-west-2',
        stackSetName: 'stscreds-target-role',
      },
    });
    expect(brokerRoleArnOf(config)).toBe('arn:aws:iam::111111111111:role/stscreds-broker');
  });

  it("defaults the audience to the function's ARN, so that no two deployments share one", () => {
    const audienceOf = (broker: object, brokerAccountId = '111111111111') =>
      readInfraConfig({ brokerAccountId, organizationId: 'o-a1b2c3d4e5', broker }).broker.audience;
    const audiences = [
      audienceOf({}),
      audienceOf({}, '999999999999'),
      audienceOf({ region: 'eu-west-1' }),
      audienceOf({ functionName: 'getSTScreds-staging' }),
      audienceOf({ region: 'cn-north-1' }),
    ];
    expect(audiences).toEqual([
      'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds',
      'arn:aws:lambda:us-west-2:999999999999:function:getSTScreds',
      'arn:aws:lambda:eu-west-1:111111111111:function:getSTScreds',
      'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds-staging',
      'arn:aws-cn:lambda:cn-north-1:111111111111:function:getSTScreds',
    ]);
    expect(audiences).not.toContain('stscreds');
    expect(audienceOf({ audience: 'my-broker' })).toBe('my-broker');
  });

  it('refuses a broker that could reach every account', () => {
    expect(problemsOf({ brokerAccountId: '111111111111' })).toEqual([
      'targetAccountIds: list the target accounts, or give organizationId: the broker must not reach every account',
    ]);
  });

  it('reports every defect at once, by its path', () => {
    expect(
      problemsOf({
        brokerAccountId: '1111',
        organizationId: 'org',
        broker: {
          roleName: 'role/*',
          invokers: { kind: 'principals', principals: ['*'] },
          logRetentionDays: 2,
        },
        target: { managedPolicyPreset: 'everything', roleName: '*' },
        rollout: { accountId: '999999999999', regions: ['us-west-2', 'eu-west-1'] },
        extra: true,
      }),
    ).toEqual([
      'extra: is not a known setting',
      'brokerAccountId: is not a 12-digit account id',
      'organizationId: is not an organization id such as o-a1b2c3d4e5',
      'broker.logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653',
      'broker.roleName: is not an IAM role name',
      'broker.invokers.principals[0]: "*" is neither a principal ARN nor an account id',
      'target.managedPolicyPreset: must be one of seed, readonly, custom',
      'target.roleName: is not an IAM role name',
      'rollout.regions: is not a known setting',
      'rollout.organizationalUnitIds: must name at least one OU or the root to roll out to',
      'rollout.regions: IAM is global: give one region',
    ]);
  });

  it('needs an organization for org-wide invokers and for a rollout', () => {
    expect(
      problemsOf({
        brokerAccountId: '111111111111',
        targetAccountIds: ['222222222222'],
        broker: { invokers: { kind: 'organization' } },
        rollout: { accountId: '999999999999', organizationalUnitIds: ['r-a1b2'] },
      }),
    ).toEqual([
      'broker.invokers.kind: "organization" needs organizationId',
      'rollout.accountId: a service-managed StackSet rolls out to an organization: give organizationId',
    ]);
  });

  it('reads the access policy from a file relative to the base folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stscreds-config-'));
    try {
      writeFileSync(join(dir, 'policy.json'), '{"version":1,"rules":[]}');
      const config = readInfraConfig(
        {
          brokerAccountId: '111111111111',
          targetAccountIds: ['222222222222'],
          broker: { accessPolicyFile: 'policy.json' },
        },
        { baseDir: dir },
      );
      expect(config.broker.accessPolicy).toEqual({ version: 1, rules: [] });
      expect(() =>
        readInfraConfig(
          {
            brokerAccountId: '111111111111',
            targetAccountIds: ['222222222222'],
            broker: { accessPolicyFile: 'gone.json' },
          },
          { baseDir: dir },
        ),
      ).toThrow(/accessPolicyFile: cannot be read as JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
