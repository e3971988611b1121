import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chainCases, loadSimulator, readCloudAssemblyChain, simulateChain } from '@stscreds/iam';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInfraConfig } from '../src/readInfraConfig.ts';
import { runCfnLint } from './support/runCfnLint.ts';
import { isStackOrApp, nagViolations, type Synthesized, synthesize } from './support/synthesize.ts';

// The app as shipped: cdk.json's own configuration, organization-wide.
const INFRA = join(import.meta.dirname, '..');
const cdkJson = JSON.parse(readFileSync(join(INFRA, 'cdk.json'), 'utf8'));
const config = readInfraConfig(cdkJson.context.stscreds, { baseDir: INFRA });
const ORG = 'o-exampleorg1';
const BROKER_ROLE_ARN = 'arn:aws:iam::111111111111:role/stscreds-broker';
const BROKER_ACCOUNT = '111111111111';

let s: Synthesized;
beforeAll(() => {
  s = synthesize(config);
}, 120_000);
afterAll(() => s?.cleanup());

const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

describe('BrokerStack', () => {
  it('runs getSTScreds on Node.js 24 and arm64, bundled, sized and configured for the broker', () => {
    s.template(s.stacks.broker).hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'getSTScreds',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 10,
      ReservedConcurrentExecutions: 100,
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ExecutionRole'), 'Arn'] },
      Environment: {
        Variables: Match.objectEquals({
          STSCREDS_BROKER_ACCOUNT_ID: BROKER_ACCOUNT,
          STSCREDS_DEFAULT_ROLE_NAME: 'lambda_sts',
          STSCREDS_AUDIENCE: 'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds',
          STSCREDS_ENTRY: 'invoke',
          STSCREDS_ACCESS_POLICY_SSM_PARAMETER: { Ref: Match.stringLikeRegexp('^AccessPolicyParameter') },
          STSCREDS_ACCESS_POLICY_MAX_AGE_SECONDS: '300',
          POWERTOOLS_SERVICE_NAME: 'getSTScreds',
          POWERTOOLS_METRICS_NAMESPACE: 'stscreds',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        }),
      },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^BrokerLogGroup') } },
    });
  });

  it('names the execution role and gives it sts_assumerole on lambda_sts in the organization only', () => {
    const t = s.template(s.stacks.broker);
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'stscreds-broker',
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [
          Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }),
        ],
      }),
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyName: 'sts_assumerole',
      Roles: [{ Ref: Match.stringLikeRegexp('^ExecutionRole') }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AssumeTargetRole',
            Effect: 'Allow',
            Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
            Resource: partitionArn(':iam::*:role/lambda_sts'),
            Condition: { StringEquals: { 'aws:ResourceOrgID': ORG } },
          },
        ],
      },
    });
  });

  it('allows nothing on every resource, and no role by pattern, in any of its policies', () => {
    const policies = Object.values(s.template(s.stacks.broker).findResources('AWS::IAM::Policy'));
    expect(policies.length).toBeGreaterThanOrEqual(2);
    for (const policy of policies) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const text = JSON.stringify(statement.Resource);
        expect(statement.Resource).not.toBe('*');
        expect(text).not.toMatch(/role\/\*|role\/[^"]*\*/);
      }
    }
  });

  it('grants the function only its own log group and its own parameter', () => {
    s.template(s.stacks.broker).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'WriteOwnLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BrokerLogGroup'), 'Arn'] },
          },
          {
            Sid: 'ReadAccessPolicy',
            Effect: 'Allow',
            Action: 'ssm:GetParameter',
            Resource: {
              'Fn::Join': [
                '',
                Match.arrayWith([
                  ':ssm:us-west-2:111111111111:parameter',
                  { Ref: Match.stringLikeRegexp('^AccessPolicyParameter') },
                ]),
              ],
            },
          },
        ],
      },
    });
  });

  it('lets principals of the organization invoke it, and no one else', () => {
    const t = s.template(s.stacks.broker);
    t.resourceCountIs('AWS::Lambda::Permission', 1);
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: '*',
      PrincipalOrgID: ORG,
    });
    t.resourceCountIs('AWS::Lambda::Url', 0);
  });

  it('delivers the access policy as an SSM parameter, checked at synth', () => {
    const policy = JSON.parse(readFileSync(join(INFRA, 'access-policy.example.json'), 'utf8'));
    s.template(s.stacks.broker).hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/stscreds/access-policy',
      Type: 'String',
      Tier: 'Standard',
      Value: JSON.stringify(policy),
    });
  });

  it('keeps the logs a year, past the stack, and alarms on errors, throttles and a spike of denials', () => {
    const t = s.template(s.stacks.broker);
    t.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/aws/lambda/getSTScreds', RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Threshold: 1,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^BrokerFunction') } }],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: 'Throttles' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'stscreds',
      MetricName: 'RequestsDenied',
      Dimensions: [{ Name: 'service', Value: 'getSTScreds' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 25,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });
});

describe('TargetRoleStack', () => {
  it('creates lambda_sts trusting the broker role alone, in the organization, with a SourceIdentity', () => {
    s.template(s.stacks.targetRole).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'lambda_sts',
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'TrustBrokerRole',
            Effect: 'Allow',
            Principal: { AWS: BROKER_ROLE_ARN },
            Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
            Condition: {
              StringEquals: { 'aws:PrincipalOrgID': ORG },
              Null: { 'sts:SourceIdentity': 'false' },
            },
          },
          {
            Sid: 'TrustBrokerRoleSessionTags',
            Effect: 'Allow',
            Principal: { AWS: BROKER_ROLE_ARN },
            Action: ['sts:TagSession'],
            Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
          },
        ],
      },
    });
  });

  it('attaches the seed preset: the five full-access policies under today’s names', () => {
    s.template(s.stacks.targetRole).hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [
        'AmazonEC2FullAccess',
        'AmazonS3FullAccess',
        'CloudWatchFullAccess',
        'AmazonDynamoDBFullAccess',
        'AWSCloudTrail_FullAccess',
      ].map((name) => partitionArn(`:iam::aws:policy/${name}`)),
    });
  });

  it('is deployable by StackSets: one resource, no assets, no bootstrap parameter or rule', () => {
    const template = s.json(s.stacks.targetRole);
    expect(Object.keys(template)).toEqual(['Description', 'Resources']);
    expect(Object.values(template.Resources as object).map((r) => r.Type)).toEqual(['AWS::IAM::Role']);
    const manifest = JSON.parse(readFileSync(join(s.dir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.artifacts)).not.toContain('StsCredsTargetRole.assets');
  });
});

describe('OrgRolloutStack', () => {
  it('deploys the target role with a service-managed StackSet that auto-deploys to the OUs, in one region', () => {
    s.template(s.stacks.rollout ?? s.stacks.broker).hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'stscreds-target-role',
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: 'SELF',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [
        { DeploymentTargets: { OrganizationalUnitIds: ['ou-exmp-11111111'] }, Regions: ['us-west-2'] },
      ],
      TemplateBody: Match.anyValue(),
    });
    expect(s.stacks.rollout?.account).toBe('100000000000');
    // Bootstrapless too: the management account needs no CDK bootstrap.
    expect(Object.keys(s.json(s.stacks.rollout ?? s.stacks.broker))).not.toContain('Parameters');
  });

  it('embeds the TargetRoleStack template itself, without CDK metadata', () => {
    const rollout = s.stacks.rollout;
    expect(rollout).toBeDefined();
    if (!rollout) return;
    const [stackSet] = Object.values(s.template(rollout).findResources('AWS::CloudFormation::StackSet'));
    const body = JSON.parse(stackSet?.Properties.TemplateBody);
    const standalone = s.json(s.stacks.targetRole);
    const withoutMetadata = (resources: Record<string, { Metadata?: unknown }>) =>
      Object.fromEntries(Object.entries(resources).map(([id, { Metadata: _m, ...rest }]) => [id, rest]));
    expect(withoutMetadata(body.Resources)).toEqual(withoutMetadata(standalone.Resources as never));
    expect(JSON.stringify(body)).not.toMatch(/aws:cdk:path|CDKMetadata|BootstrapVersion|aws:asset/);
  });
});

describe('checks over the synthesized app', () => {
  it('leaves no cdk-nag AwsSolutions finding unacknowledged', () => {
    expect(nagViolations(s.dir)).toEqual([]);
  });

  it('acknowledges per resource and per finding, each with a reason, and never for a whole stack', () => {
    const acks = s.acknowledgements();
    for (const ack of acks) {
      expect(isStackOrApp(ack.construct), ack.path).toBe(false);
      // CDK records an id without a plugin namespace as an annotation; cdk-nag reads it so.
      expect(ack.id).toMatch(/^Annotation::AwsSolutions-[A-Z]+\d+\[.+\]$/);
      expect(ack.reason.length).toBeGreaterThan(40);
    }
    expect(acks.map((a) => `${a.path} ${a.id.replace('Annotation::', '')}`).sort()).toEqual(
      [
        'StsCredsBroker/ExecutionRole/Role/DefaultPolicy AwsSolutions-IAM5[Resource::<BrokerLogGroupD8ADE883.Arn>:*]',
        'StsCredsBroker/ExecutionRole/StsAssumeRole AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/lambda_sts]',
        ...[
          'AmazonEC2FullAccess',
          'AmazonS3FullAccess',
          'CloudWatchFullAccess',
          'AmazonDynamoDBFullAccess',
          'AWSCloudTrail_FullAccess',
        ].map(
          (name) =>
            `StsCredsTargetRole/TargetRole/Role AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
        ),
      ].sort(),
    );
  });

  it('passes cfn-lint with no error on every template, the StackSet body included', async () => {
    const files = Object.values(s.files);
    expect(files).toHaveLength(4);
    const findings = await runCfnLint(files);
    expect(findings.filter((f) => !f.rule.startsWith('W') && !f.rule.startsWith('I'))).toEqual([]);
    // The one warning: the Lambda construct adds an explicit DependsOn on its role beside the
    // GetAtt of the role's ARN. It is redundant, not wrong, and CDK gives no way to drop it.
    expect(findings.map((f) => f.rule)).toEqual(['W3005']);
    expect(findings[0]?.message).toMatch(/ExecutionRole.*dependency already enforced/);
  }, 60_000);
});

describe('IAM simulation of the synthesized policies', () => {
  const verdict = async (accountIds: string[]) => {
    const model = await readCloudAssemblyChain(s.dir, { accountIds });
    return simulateChain(chainCases(model), await loadSimulator());
  };
  const find = (
    results: Awaited<ReturnType<typeof verdict>>,
    account: string,
    role: string,
    caller: string,
  ) => {
    const found = results.find((r) => r.account === account && r.role === role && r.caller === caller);
    if (!found) throw new Error(`no case ${caller} → ${role} in ${account}`);
    return found;
  };

  it('answers each case of the chain as designed', async () => {
    const results = await verdict(['222222222222', '333333333333']);
    for (const account of ['222222222222', '333333333333']) {
      expect(find(results, account, 'lambda_sts', 'broker')).toMatchObject({
        actual: 'Allowed',
        reason: expect.stringContaining('sts_assumerole AssumeTargetRole + trust policy TrustBrokerRole'),
      });
      expect(find(results, account, 'OrganizationAccountAccessRole', 'broker')).toMatchObject({
        actual: 'Denied',
        reason: expect.stringContaining("the broker's identity policies allow no sts:AssumeRole"),
      });
      expect(find(results, account, 'lambda_sts', 'other principal')).toMatchObject({
        actual: 'Denied',
        reason: expect.stringContaining('the trust policy of lambda_sts does not trust'),
      });
      expect(find(results, account, 'lambda_sts', 'outsider')).toMatchObject({
        actual: 'Denied',
        reason: expect.stringContaining('the trust policy of lambda_sts does not trust'),
      });
    }
    expect(find(results, '999999999999', 'lambda_sts', 'broker')).toMatchObject({
      actual: 'Denied',
      reason: expect.stringContaining("the broker's identity policies allow no sts:AssumeRole"),
    });
    expect(results).toHaveLength(9);
    expect(results.filter((r) => r.unexpected)).toEqual([]);
  });

  it('reads the trust policy from the standalone stack and the StackSet body alike', async () => {
    const model = await readCloudAssemblyChain(s.dir, { accountIds: ['222222222222'] });
    expect(model.targets).toHaveLength(1);
    expect(model.targets[0]?.source).toBe(
      'StsCredsTargetRole, StsCredsOrgRollout/TargetRolesStackSetF5B26162 (StackSet)',
    );
    expect(model.broker.roleArn).toBe(BROKER_ROLE_ARN);
    expect(model.organizationId).toBe(ORG);
  });
});
