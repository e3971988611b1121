import { describe, expect, it } from 'vitest';
import { brokerAssumeRolePolicy } from '../src/policies/brokerAssumeRolePolicy.ts';
import type { PolicyDocument } from '../src/policies/policyDocument.ts';
import { targetRoleTrustPolicy } from '../src/policies/targetRoleTrustPolicy.ts';
import type { ChainModel } from '../src/verify/ChainModel.ts';
import { chainCases } from '../src/verify/chainCases.ts';
import { SimulatorMissingError } from '../src/verify/errors.ts';
import { formatChainTable } from '../src/verify/formatChainTable.ts';
import { loadSimulator } from '../src/verify/loadSimulator.ts';
import { readTemplateRoles } from '../src/verify/readTemplateRoles.ts';
import { resolveTemplateValue } from '../src/verify/resolveTemplateValue.ts';
import { simulateChain } from '../src/verify/simulateChain.ts';

const BROKER = 'arn:aws:iam::111111111111:role/stscreds-broker';
const where = { partition: 'aws', accountId: '222222222222', region: 'us-west-2' };

describe('resolveTemplateValue', () => {
  const ctx = {
    ...where,
    resources: { Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'lambda_sts', Path: '/ops/' } } },
    parameters: { Name: { Default: 'from-default' } },
  };

  it('resolves pseudo parameters, joins, subs, parameters and role ARNs', () => {
    expect(
      resolveTemplateValue(
        {
          a: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root'],
            ],
          },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
          b: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Name}-${AWS::Region}' },
          c: { 'Fn::GetAtt': ['Role', 'Arn'] },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
          d: { 'Fn::Sub': ['${Role.Arn}/${x}', { x: { Ref: 'Role' } }] },
          e: [{ Ref: 'AWS::NoValue' }, 'kept'],
        },
        ctx,
      ),
    ).toEqual({
      a: 'arn:aws:iam::222222222222:root',
      b: 'arn:aws:s3:::from-default-us-west-2',
      c: 'arn:aws:iam::222222222222:role/ops/lambda_sts',
      d: 'arn:aws:iam::222222222222:role/ops/lambda_sts/lambda_sts',
      e: ['kept'],
    });
  });

  it('turns what it cannot resolve into a placeholder no ARN matches', () => {
    expect(resolveTemplateValue({ 'Fn::ImportValue': 'x' }, ctx)).toBe('<Fn::ImportValue>');
    expect(resolveTemplateValue({ Ref: 'Bucket' }, ctx)).toBe('<Ref Bucket>');
    expect(resolveTemplateValue({ 'Fn::GetAtt': ['Bucket', 'Arn'] }, ctx)).toBe('<Bucket.Arn>');
  });
});

describe('readTemplateRoles', () => {
  it('gathers a role’s inline and attached policies, and a role known only by name', () => {
    const template = {
      Resources: {
        Created: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'created',
            AssumeRolePolicyDocument: targetRoleTrustPolicy({ brokerRoleArn: BROKER }),
            Policies: [{ PolicyName: 'inline', PolicyDocument: { Version: '2012-10-17', Statement: [] } }],
          },
        },
        Attached: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: 'sts_assumerole',
            PolicyDocument: brokerAssumeRolePolicy({
              partition: 'aws',
              targetRoleName: 'lambda_sts',
              organizationId: 'o-a1b2c3d4e5',
            }),
            Roles: [{ Ref: 'Created' }, 'imported'],
          },
        },
      },
    };
    const roles = readTemplateRoles(template, where);
    expect(roles.map((r) => [r.arn, r.trustPolicy !== undefined, r.policies.map((p) => p.name)])).toEqual([
      ['arn:aws:iam::222222222222:role/created', true, ['inline', 'sts_assumerole']],
      ['arn:aws:iam::222222222222:role/imported', false, ['sts_assumerole']],
    ]);
  });
});

const model = (overrides: {
  brokerPolicy?: PolicyDocument;
  trustPolicy?: PolicyDocument | undefined;
  organizationId?: string;
}): ChainModel => ({
  partition: 'aws',
  organizationId: overrides.organizationId,
  broker: {
    roleArn: BROKER,
    accountId: '111111111111',
    policies: [
      {
        name: 'sts_assumerole',
        policy:
          overrides.brokerPolicy ??
          brokerAssumeRolePolicy({
            partition: 'aws',
            targetRoleName: 'lambda_sts',
            targetAccountIds: ['222222222222'],
          }),
      },
    ],
  },
  targetRoleName: 'lambda_sts',
  targets: [
    {
      accountId: '222222222222',
      roleName: 'lambda_sts',
      trustPolicy:
        'trustPolicy' in overrides ? overrides.trustPolicy : targetRoleTrustPolicy({ brokerRoleArn: BROKER }),
      source: 'test',
    },
  ],
  notes: [],
});

const verdicts = async (m: ChainModel) =>
  (await simulateChain(chainCases(m), await loadSimulator())).map(
    (r) => `${r.account} ${r.role} ${r.caller}: ${r.actual}${r.unexpected ? ' UNEXPECTED' : ''}`,
  );

describe('simulateChain', () => {
  it('finds every case as expected in a chain the builders made', async () => {
    expect(await verdicts(model({}))).toEqual([
      '222222222222 lambda_sts broker: Allowed',
      '222222222222 OrganizationAccountAccessRole broker: Denied',
      '222222222222 lambda_sts other principal: Denied',
      '222222222222 lambda_sts outsider: Denied',
      '999999999999 lambda_sts broker: Denied',
    ]);
  });

  it('catches a broker policy on every role of every account', async () => {
    const wide: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
          Resource: 'arn:aws:iam::*:role/*',
        },
      ],
    };
    expect(await verdicts(model({ brokerPolicy: wide }))).toEqual([
      '222222222222 lambda_sts broker: Allowed',
      '222222222222 OrganizationAccountAccessRole broker: Allowed UNEXPECTED',
      '222222222222 lambda_sts other principal: Denied',
      '222222222222 lambda_sts outsider: Denied',
      '999999999999 lambda_sts broker: Allowed UNEXPECTED',
    ]);
  });

  it('catches a trust policy that trusts the whole DevOps account, as the seed’s console default would', async () => {
    const trustAccount: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111111111111:root' },
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
        },
      ],
    };
    expect(await verdicts(model({ trustPolicy: trustAccount }))).toContain(
      '222222222222 lambda_sts other principal: Allowed UNEXPECTED',
    );
  });

  it('catches a trust policy without sts:TagSession, which would break attribution', async () => {
    const noTags: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: BROKER }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] },
      ],
    };
    const [allowed] = await simulateChain(chainCases(model({ trustPolicy: noTags })), await loadSimulator());
    expect(allowed).toMatchObject({
      actual: 'Denied',
      unexpected: true,
      reason: 'the trust policy of lambda_sts does not trust the broker for sts:TagSession',
    });
  });

  it('reports a missing target role as an unexpected denial', async () => {
    const [allowed] = await simulateChain(
      chainCases(model({ trustPolicy: undefined })),
      await loadSimulator(),
    );
    expect(allowed).toMatchObject({
      actual: 'Denied',
      unexpected: true,
      reason: 'lambda_sts does not exist in 222222222222',
    });
  });

  it('checks the organization conditions on both sides', async () => {
    const org = 'o-a1b2c3d4e5';
    const m = model({
      organizationId: org,
      brokerPolicy: brokerAssumeRolePolicy({
        partition: 'aws',
        targetRoleName: 'lambda_sts',
        organizationId: org,
      }),
      trustPolicy: targetRoleTrustPolicy({
        brokerRoleArn: BROKER,
        organizationId: org,
        requireSourceIdentity: true,
      }),
    });
    const results = await simulateChain(chainCases(m), await loadSimulator());
    expect(results.map((r) => [r.caller, r.role, r.account, r.actual, r.unexpected])).toEqual([
      ['broker', 'lambda_sts', '222222222222', 'Allowed', false],
      ['broker', 'OrganizationAccountAccessRole', '222222222222', 'Denied', false],
      ['other principal', 'lambda_sts', '222222222222', 'Denied', false],
      ['outsider', 'lambda_sts', '222222222222', 'Denied', false],
      ['broker', 'lambda_sts', '999999999999', 'Denied', false],
    ]);
    expect(results[4]?.context['aws:ResourceOrgID']).not.toBe(org);
  });
});

describe('formatChainTable', () => {
  it('lines up account, role, caller, result and reason, and marks the unexpected', async () => {
    const results = await simulateChain(chainCases(model({ trustPolicy: undefined })), await loadSimulator());
    const lines = formatChainTable(results);
    expect(lines[0]).toMatch(/^ +ACCOUNT +ROLE +CALLER +RESULT +REASON$/);
    expect(lines[1]).toMatch(
      /^✘ {2}222222222222 {2}lambda_sts .*broker \(arn:aws:iam::111111111111:role\/stscreds-broker\) .*Denied ✘ UNEXPECTED {2}lambda_sts does not exist/,
    );
    expect(lines[2]).toMatch(/^✔ /);
  });
});

describe('loadSimulator', () => {
  it('says how to install the simulator when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@cloud-copilot/iam-simulate'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const attempt = loadSimulator(() => Promise.reject(missing));
    await expect(attempt).rejects.toThrow(SimulatorMissingError);
    await expect(attempt).rejects.toThrow('npm install --save-dev @cloud-copilot/iam-simulate');
  });

  it('passes any other failure through', async () => {
    await expect(loadSimulator(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});
