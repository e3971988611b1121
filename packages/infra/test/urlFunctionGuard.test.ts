import { loadSimulator, urlFunctionGuardPolicy } from '@stscreds/iam';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildStsCredsApp } from '../src/buildStsCredsApp.ts';
import { readInfraConfig } from '../src/readInfraConfig.ts';
import { runCfnLint } from './support/runCfnLint.ts';
import { nagViolations, synthesize } from './support/synthesize.ts';

const URL_FN = 'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds-url';
const GUARD = urlFunctionGuardPolicy({
  partition: 'aws',
  region: 'us-west-2',
  accountId: '111111111111',
  functionName: 'getSTScreds-url',
});

const raw = (overrides: { broker?: object; rollout?: object } = {}) => ({
  brokerAccountId: '111111111111',
  organizationId: 'o-exampleorg1',
  broker: { functionUrl: true, ...overrides.broker },
  rollout: { accountId: '100000000000', organizationalUnitIds: ['ou-exmp-11111111'], ...overrides.rollout },
});

const rolloutOf = (config: ReturnType<typeof raw>) => {
  const app = new App({ builtinCloudFormationValidation: false });
  const { rollout } = buildStsCredsApp(app, readInfraConfig(config), { nag: false });
  if (!rollout) throw new Error('no rollout stack');
  return Template.fromStack(rollout);
};

describe('the URL function guard', () => {
  it('is a service control policy on the broker’s account, made by the rollout stack', () => {
    rolloutOf(raw()).hasResourceProperties('AWS::Organizations::Policy', {
      Type: 'SERVICE_CONTROL_POLICY',
      Name: 'getSTScreds-url-direct-invoke-guard',
      TargetIds: ['111111111111'],
      Content: GUARD,
    });
  });

  it('passes cdk-nag and cfn-lint', async () => {
    const s = synthesize(readInfraConfig(raw()));
    try {
      expect(nagViolations(s.dir)).toEqual([]);
      const findings = await runCfnLint(Object.values(s.files));
      expect(findings.filter((f) => f.rule.startsWith('E'))).toEqual([]);
    } finally {
      s.cleanup();
    }
  }, 120_000);

  it.each([
    ['without a Function URL', raw({ broker: { functionUrl: false } })],
    [
      'from a delegated administrator, who may not write SCPs',
      raw({ rollout: { callAs: 'DELEGATED_ADMIN' } }),
    ],
    [
      'when the broker runs in the management account, where SCPs do not apply',
      raw({ rollout: { accountId: '111111111111' } }),
    ],
  ])('is not made %s', (_, config) => {
    rolloutOf(config).resourceCountIs('AWS::Organizations::Policy', 0);
  });

  // In its own account a principal needs no resource policy: an administrator there is the
  // one forger the URL function's resource policy cannot stop.
  const simulate = async (context: Record<string, string>, scps: boolean) => {
    const simulator = await loadSimulator();
    const full = {
      name: 'FullAWSAccess',
      policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    };
    const answer = await simulator.runSimulation(
      {
        request: {
          principal: 'arn:aws:iam::111111111111:role/admin',
          action: 'lambda:InvokeFunction',
          resource: { resource: URL_FN, accountId: '111111111111' },
          contextVariables: { 'aws:PrincipalOrgID': 'o-exampleorg1', ...context },
        },
        identityPolicies: [full],
        serviceControlPolicies: scps
          ? [
              { orgIdentifier: 'r-root', policies: [full] },
              { orgIdentifier: '111111111111', policies: [full, { name: 'guard', policy: GUARD }] },
            ]
          : [],
        resourceControlPolicies: [],
      },
      {},
    );
    if (answer.resultType === 'error') throw new Error(answer.errors.message);
    return answer.overallResult;
  };

  it('denies an administrator of the broker’s account a direct invoke, which nothing else stops', async () => {
    expect(await simulate({}, false)).toBe('Allowed');
    expect(await simulate({}, true)).toBe('ExplicitlyDenied');
    expect(await simulate({ 'lambda:InvokedViaFunctionUrl': 'false' }, true)).toBe('ExplicitlyDenied');
  });

  it('still lets the same administrator call the Function URL', async () => {
    expect(
      await simulate(
        { 'lambda:InvokedViaFunctionUrl': 'true', 'lambda:FunctionUrlAuthType': 'AWS_IAM' },
        true,
      ),
    ).toBe('Allowed');
  });
});
