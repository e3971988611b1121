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
      'brokerAccountId: is not a 12-digit account id',
      'organizationId: is not an organization id such as o-a1b2c3d4e5',
      'broker.roleName: is not an IAM role name',
      'broker.invokers.principals[0]: "*" is neither a principal ARN nor an account id',
      'broker.logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653',
      'target.roleName: is not an IAM role name',
      'target.managedPolicyPreset: must be one of seed, readonly, custom',
      'rollout.regions: is not a known setting',
      'extra: is not a known setting',
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

describe('readInfraConfig refuses each field just past its edge', () => {
  const base = { brokerAccountId: '111111111111', organizationId: 'o-a1b2c3d4e5' };
  const at = (section: 'broker' | 'target' | 'rollout', settings: object) =>
    problemsOf({ ...base, [section]: settings });

  it.each([
    ['reservedConcurrency', 1, 10_000],
    ['memorySize', 128, 10_240],
    ['accessPolicyMaxAgeSeconds', 0, 86_400],
    ['deniedSpikeThreshold', 1, 1_000_000],
  ])('broker.%s takes whole numbers from %i to %i, and nothing past them', (key, min, max) => {
    expect(at('broker', { [key]: min })).toEqual([]);
    expect(at('broker', { [key]: max })).toEqual([]);
    for (const value of [min - 1, max + 1, min + 0.5, String(min), null]) {
      expect(at('broker', { [key]: value })).toEqual([
        `broker.${key}: must be a whole number from ${min} to ${max}`,
      ]);
    }
  });

  it('broker.logRetentionDays takes only the periods CloudWatch Logs accepts', () => {
    expect(at('broker', { logRetentionDays: 1 })).toEqual([]);
    expect(at('broker', { logRetentionDays: 3653 })).toEqual([]);
    for (const value of [0, 2, 3654, '365']) {
      expect(at('broker', { logRetentionDays: value })[0]).toMatch(
        /^broker\.logRetentionDays: must be one of 1, 3, 5/,
      );
    }
  });

  it.each([
    ['broker', 'region', 'eu-west-1', 'eu-west', 'is not a region such as us-west-2'],
    ['broker', 'functionName', 'f'.repeat(64), 'f'.repeat(65), 'is not a function name'],
    ['broker', 'roleName', 'r'.repeat(64), 'r'.repeat(65), 'is not an IAM role name'],
    ['broker', 'audience', '~'.repeat(256), '~'.repeat(257), 'must be 1-256 printable ASCII characters'],
    ['broker', 'audience', '!', 'a b', 'must be 1-256 printable ASCII characters'],
    [
      'broker',
      'accessPolicyParameterName',
      `/${'p'.repeat(1010)}`,
      `/${'p'.repeat(1011)}`,
      'is not an SSM parameter name such as /stscreds/access-policy',
    ],
    [
      'broker',
      'alarmTopicArn',
      'arn:aws:sns:us-west-2:111111111111:alarms',
      'arn:aws:sns:us-west-2:11111111111:alarms',
      'is not an SNS topic ARN',
    ],
    ['target', 'roleName', 'r'.repeat(64), 'r'.repeat(65), 'is not an IAM role name'],
    ['target', 'managedPolicyPreset', 'readonly', 'admin', 'must be one of seed, readonly, custom'],
    ['rollout', 'callAs', 'DELEGATED_ADMIN', 'delegated_admin', 'must be one of SELF, DELEGATED_ADMIN'],
    ['rollout', 'region', 'us-gov-west-1', 'us-west-22', 'is not a region such as us-west-2'],
    ['rollout', 'stackSetName', `s${'-'.repeat(127)}`, `s${'-'.repeat(128)}`, 'is not a StackSet name'],
    ['rollout', 'stackSetName', 'a', '1a', 'is not a StackSet name'],
  ] as const)('%s.%s takes %j but not %j', (section, key, good, bad, message) => {
    expect(at(section, { [key]: good })).toEqual([]);
    expect(at(section, { [key]: bad })).toEqual([`${section}.${key}: ${message}`]);
    expect(at(section, { [key]: 1 })).toContain(
      `${section}.${key}: ${key === 'managedPolicyPreset' || key === 'callAs' ? message : 'must be a string'}`,
    );
  });

  it.each([
    ['importRole', 'broker'],
    ['functionUrl', 'broker'],
    ['requireSourceIdentity', 'target'],
    ['trustLambdaService', 'target'],
  ] as const)('%s is true or false, not "true"', (key, section) => {
    expect(at(section, { [key]: true })).toEqual([]);
    expect(at(section, { [key]: 'true' })).toEqual([`${section}.${key}: must be true or false`]);
  });

  it('names the root fields and list items at fault', () => {
    expect(problemsOf({ organizationId: 'o-a1b2c3d4e5' })).toEqual(['brokerAccountId: is required']);
    expect(problemsOf({ ...base, brokerAccountId: '11111111111' })).toEqual([
      'brokerAccountId: is not a 12-digit account id',
    ]);
    expect(problemsOf({ ...base, organizationId: 'o-a1b2c3d4e' })).toEqual([
      'organizationId: is not an organization id such as o-a1b2c3d4e5',
    ]);
    expect(problemsOf({ ...base, targetAccountIds: ['222222222222', '2222222222222'] })).toEqual([
      'targetAccountIds[1]: "2222222222222" is not a 12-digit account id',
    ]);
    expect(problemsOf({ ...base, targetAccountIds: '222222222222' })).toEqual([
      'targetAccountIds: must be a list of strings',
    ]);
    expect(problemsOf({ ...base, broker: [] })).toEqual(['broker: must be an object']);
    expect(problemsOf([])).toEqual(['stscreds: must be an object']);
  });

  it('checks the invokers by their kind', () => {
    const invokers = (value: unknown) => at('broker', { invokers: value });
    expect(
      invokers({ kind: 'principals', principals: ['222222222222', 'arn:aws:iam::222222222222:role/ci'] }),
    ).toEqual([]);
    expect(invokers({ kind: 'everyone' })).toEqual([
      'broker.invokers.kind: must be one of organization, principals, none',
    ]);
    expect(invokers({ kind: 'principals', principals: [] })).toEqual([
      'broker.invokers.principals: must list at least one principal',
    ]);
    expect(invokers({ kind: 'principals' })).toEqual([
      'broker.invokers.principals: must list at least one principal',
    ]);
    expect(invokers({ kind: 'none', principals: ['222222222222'] })).toEqual([
      'broker.invokers.principals: is not a known setting',
    ]);
  });

  it('checks the policy lists, the presets they go with, and the rollout lists', () => {
    expect(at('target', { managedPolicyPreset: 'custom', customManagedPolicies: ['p'.repeat(128)] })).toEqual(
      [],
    );
    expect(at('target', { managedPolicyPreset: 'custom', customManagedPolicies: ['p'.repeat(129)] })).toEqual(
      [
        `target.customManagedPolicies[0]: "${'p'.repeat(129)}" is neither a managed policy name nor a policy ARN`,
      ],
    );
    expect(at('target', { managedPolicyPreset: 'custom' })).toEqual([
      'target.customManagedPolicies: the custom preset needs at least one policy',
    ]);
    expect(at('target', { customManagedPolicies: ['ReadOnlyAccess'] })).toEqual([
      'target.customManagedPolicies: is only read with the custom preset, not "seed"',
    ]);
    expect(
      at('rollout', {
        accountId: '999999999999',
        organizationalUnitIds: ['ou-a1b2-a1b2c3d4', 'ou-a1b2-a1b2c3d'],
      }),
    ).toEqual([
      'rollout.organizationalUnitIds[1]: "ou-a1b2-a1b2c3d" is not an OU id (ou-…) or a root id (r-…)',
    ]);
    expect(at('rollout', { excludeAccountIds: ['22222222222'] })).toEqual([
      'rollout.excludeAccountIds[0]: "22222222222" is not a 12-digit account id',
    ]);
    expect(at('rollout', { accountId: '99999999999', organizationalUnitIds: ['r-a1b2'] })).toEqual([
      'rollout.accountId: is not a 12-digit account id',
    ]);
  });

  it('refuses a Function URL whose second function would pass the 64-character limit', () => {
    expect(at('broker', { functionUrl: true, functionName: 'f'.repeat(60) })).toEqual([]);
    expect(at('broker', { functionUrl: true, functionName: 'f'.repeat(61) })[0]).toMatch(
      /^broker\.functionName: may have at most 60 characters with functionUrl/,
    );
  });

  it('takes an inline access policy or a file, never both', () => {
    expect(
      readInfraConfig({ ...base, broker: { accessPolicy: { version: 1, rules: ['x'] } } }).broker
        .accessPolicy,
    ).toEqual({
      version: 1,
      rules: ['x'],
    });
    expect(at('broker', { accessPolicy: {}, accessPolicyFile: 'policy.json' })).toContain(
      'broker.accessPolicyFile: give accessPolicy or accessPolicyFile, not both',
    );
  });
});
