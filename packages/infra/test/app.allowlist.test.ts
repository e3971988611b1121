import { chainCases, loadSimulator, readCloudAssemblyChain, simulateChain } from '@stscreds/iam';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInfraConfig } from '../src/readInfraConfig.ts';
import { runCfnLint } from './support/runCfnLint.ts';
import { isStackOrApp, nagViolations, type Synthesized, synthesize } from './support/synthesize.ts';

// The seed's shape: no organization, an allowlist of accounts, the seed's role names, the
// existing execution role edited rather than replaced, and a Function URL.
const config = readInfraConfig({
  brokerAccountId: '111111111111',
  targetAccountIds: ['222222222222', '333333333333'],
  broker: {
    roleName: 'lambda_basic_execution',
    importRole: true,
    functionUrl: true,
    invokers: {
      kind: 'principals',
      principals: ['arn:aws:iam::111111111111:user/alice', '444444444444'],
    },
    logRetentionDays: 90,
    alarmTopicArn: 'arn:aws:sns:us-west-2:111111111111:stscreds-alarms',
    memorySize: 512,
  },
  target: { managedPolicyPreset: 'readonly', trustLambdaService: true },
});
const SEED_BROKER_ROLE = 'arn:aws:iam::111111111111:role/lambda_basic_execution';

let s: Synthesized;
beforeAll(() => {
  s = synthesize(config);
}, 120_000);
afterAll(() => s?.cleanup());

describe('BrokerStack with an allowlist and the seed’s role', () => {
  it('edits the existing role instead of creating one', () => {
    const t = s.template(s.stacks.broker);
    t.resourceCountIs('AWS::IAM::Role', 0);
    for (const [name, entry] of [
      ['getSTScreds', 'invoke'],
      ['getSTScreds-url', 'url'],
    ]) {
      t.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: name,
        Role: { 'Fn::Join': ['', Match.arrayWith([':iam::111111111111:role/lambda_basic_execution'])] },
        MemorySize: 512,
        Environment: { Variables: Match.objectLike({ STSCREDS_ENTRY: entry }) },
      });
    }
  });

  it('serves the Function URL from a function of its own, never one that takes both entries', () => {
    const t = s.template(s.stacks.broker);
    const functions = Object.values(t.findResources('AWS::Lambda::Function'));
    expect(functions.map((f) => f.Properties.Environment.Variables.STSCREDS_ENTRY).sort()).toEqual([
      'invoke',
      'url',
    ]);
    const [url, ...others] = Object.values(t.findResources('AWS::Lambda::Url'));
    expect(others).toEqual([]);
    expect(url?.Properties).toEqual({
      AuthType: 'AWS_IAM',
      TargetFunctionArn: { 'Fn::GetAtt': [expect.stringMatching(/^UrlBrokerFunction/), 'Arn'] },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/lambda/getSTScreds-url' });
  });

  it('lists each allowed account’s lambda_sts explicitly, with no organization condition', () => {
    s.template(s.stacks.broker).hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: 'sts_assumerole',
      Roles: ['lambda_basic_execution'],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AssumeTargetRole',
            Effect: 'Allow',
            Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
            Resource: ['222222222222', '333333333333'].map((account) => ({
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:role/lambda_sts`]],
            })),
          },
        ],
      },
    });
    const [policy] = Object.values(
      s
        .template(s.stacks.broker)
        .findResources('AWS::IAM::Policy', { Properties: { PolicyName: 'sts_assumerole' } }),
    );
    expect(policy?.Properties.PolicyDocument.Statement[0].Condition).toBeUndefined();
  });

  it('lets the listed principals invoke the invoke function, and call the other through its URL only', () => {
    const t = s.template(s.stacks.broker);
    const permissions = Object.values(t.findResources('AWS::Lambda::Permission')).map((p) => p.Properties);
    const on = (prefix: string) =>
      permissions.filter((p) => String(p.FunctionName['Fn::GetAtt'][0]).startsWith(prefix));
    for (const principal of ['arn:aws:iam::111111111111:user/alice', '444444444444']) {
      expect(on('BrokerFunction').filter((p) => p.Principal === principal)).toEqual([
        { Action: 'lambda:InvokeFunction', FunctionName: expect.anything(), Principal: principal },
      ]);
      t.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunctionUrl',
        FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UrlBrokerFunction'), 'Arn'] },
        Principal: principal,
        FunctionUrlAuthType: 'AWS_IAM',
      });
      t.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UrlBrokerFunction'), 'Arn'] },
        Principal: principal,
        InvokedViaFunctionUrl: true,
      });
    }
    // The URL function: every grant is one that only a call through its AWS_IAM URL meets.
    expect(on('UrlBrokerFunction')).toHaveLength(4);
    for (const p of on('UrlBrokerFunction')) {
      if (p.Action === 'lambda:InvokeFunctionUrl') expect(p.FunctionUrlAuthType).toBe('AWS_IAM');
      else expect(p).toMatchObject({ Action: 'lambda:InvokeFunction', InvokedViaFunctionUrl: true });
    }
    expect(permissions).toHaveLength(6);
    for (const permission of permissions) expect(permission.Principal).not.toBe('*');
  });

  it('denies everyone by default, and notifies the topic from every alarm', () => {
    const t = s.template(s.stacks.broker);
    t.hasResourceProperties('AWS::SSM::Parameter', { Value: '{"version":1,"rules":[]}' });
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm'));
    // Errors and throttles of each function, and one denial spike for the service.
    expect(alarms).toHaveLength(5);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual(['arn:aws:sns:us-west-2:111111111111:stscreds-alarms']);
    }
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });
});

describe('TargetRoleStack with the seed’s Lambda trust and the readonly preset', () => {
  it('trusts the broker role and, apart, lambda.amazonaws.com for AssumeRole only', () => {
    s.template(s.stacks.targetRole).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'lambda_sts',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'TrustBrokerRole',
            Effect: 'Allow',
            Principal: { AWS: SEED_BROKER_ROLE },
            Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
          },
          {
            Sid: 'TrustLambdaServiceSeedFidelity',
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      },
      ManagedPolicyArns: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/ReadOnlyAccess']] },
      ],
    });
  });

  it('makes no rollout stack when no rollout account is configured', () => {
    expect(s.stacks.rollout).toBeUndefined();
  });
});

describe('checks over the synthesized app', () => {
  it('leaves no cdk-nag finding unacknowledged, and acknowledges only per resource and finding', () => {
    expect(nagViolations(s.dir)).toEqual([]);
    const acks = s.acknowledgements();
    expect(acks.some((a) => isStackOrApp(a.construct))).toBe(false);
    expect(acks.map((a) => `${a.path} ${a.id.replace('Annotation::', '')}`).sort()).toEqual([
      'StsCredsBroker/ExecutionRole/ImportedRole/Policy AwsSolutions-IAM5[Resource::<BrokerLogGroupD8ADE883.Arn>:*]',
      'StsCredsBroker/ExecutionRole/ImportedRole/Policy AwsSolutions-IAM5[Resource::<UrlBrokerLogGroupCB8E36C6.Arn>:*]',
      'StsCredsTargetRole/TargetRole/Role AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess]',
    ]);
  });

  it('passes cfn-lint with no error', async () => {
    const findings = await runCfnLint(Object.values(s.files));
    expect(findings.filter((f) => f.rule.startsWith('E'))).toEqual([]);
  }, 60_000);
});

describe('IAM simulation of the synthesized policies', () => {
  it('allows the broker into the listed accounts only, and nobody else into lambda_sts', async () => {
    const model = await readCloudAssemblyChain(s.dir);
    expect(model.organizationId).toBeUndefined();
    expect(model.targets.map((t) => t.accountId)).toEqual(['222222222222', '333333333333']);
    const results = await simulateChain(chainCases(model), await loadSimulator());
    const verdicts = results.map((r) => `${r.account} ${r.role} ${r.caller}: ${r.actual}`);
    expect(verdicts).toEqual([
      '222222222222 lambda_sts broker: Allowed',
      '222222222222 OrganizationAccountAccessRole broker: Denied',
      '222222222222 lambda_sts other principal: Denied',
      '222222222222 lambda_sts outsider: Denied',
      '333333333333 lambda_sts broker: Allowed',
      '333333333333 OrganizationAccountAccessRole broker: Denied',
      '333333333333 lambda_sts other principal: Denied',
      '333333333333 lambda_sts outsider: Denied',
      '999999999999 lambda_sts broker: Denied',
      '111111111111 getSTScreds-url direct invoker: Denied',
      '111111111111 getSTScreds-url direct invoker: Denied',
      '111111111111 getSTScreds-url URL caller: Allowed',
      '111111111111 getSTScreds-url URL caller: Allowed',
    ]);
    // Each principal the URL function's policy names, invoking it directly with a forged event.
    expect(results.filter((r) => r.caller === 'direct invoker').map((r) => r.callerArn)).toEqual([
      'arn:aws:iam::111111111111:user/alice',
      'arn:aws:iam::444444444444:role/stscreds-verify-forger',
    ]);
    expect(results.filter((r) => r.unexpected)).toEqual([]);
    expect(results.find((r) => r.account === '999999999999')?.reason).toContain(
      "the broker's identity policies allow no sts:AssumeRole",
    );
  });
});
