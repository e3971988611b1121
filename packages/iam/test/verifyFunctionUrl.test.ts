import { describe, expect, it } from 'vitest';
import type { PolicyStatement } from '../src/policies/policyDocument.ts';
import type { ChainModel } from '../src/verify/ChainModel.ts';
import { functionUrlCases } from '../src/verify/functionUrlCases.ts';
import { lambdaPolicyStatement } from '../src/verify/lambdaPolicyStatement.ts';
import { loadSimulator } from '../src/verify/loadSimulator.ts';
import { simulateChain } from '../src/verify/simulateChain.ts';
import { urlFunctionNotes } from '../src/verify/urlFunctionNotes.ts';

const ORG = 'o-a1b2c3d4e5';
const URL_FN = 'arn:aws:lambda:us-west-2:111111111111:function:getSTScreds-url';

const permission = (fields: Record<string, unknown>): PolicyStatement =>
  lambdaPolicyStatement({ Principal: '*', PrincipalOrgID: ORG, ...fields }, URL_FN, 'aws');

/** What the CDK app grants an organization on its URL function. */
const URL_ONLY: PolicyStatement[] = [
  permission({ Sid: 'Url', Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: 'AWS_IAM' }),
  permission({ Sid: 'ViaUrl', Action: 'lambda:InvokeFunction', InvokedViaFunctionUrl: true }),
];
/** What the CDK app granted before: both entries on one function, direct invoke for all. */
const DIRECT: PolicyStatement = permission({ Sid: 'Direct', Action: 'lambda:InvokeFunction' });

const model = (statements: PolicyStatement[], entry = 'url'): ChainModel => ({
  partition: 'aws',
  organizationId: ORG,
  broker: {
    roleArn: 'arn:aws:iam::111111111111:role/stscreds-broker',
    accountId: '111111111111',
    policies: [],
  },
  targetRoleName: 'lambda_sts',
  targets: [],
  functions: [
    {
      name: 'getSTScreds-url',
      arn: URL_FN,
      accountId: '111111111111',
      entry,
      hasFunctionUrl: true,
      resourcePolicy: statements.length ? { Version: '2012-10-17', Statement: statements } : undefined,
      source: 'test',
    },
  ],
  notes: [],
});

const verdicts = async (m: ChainModel) =>
  (await simulateChain(functionUrlCases(m), await loadSimulator())).map(
    (r) => `${r.caller} ${r.callerArn}: ${r.actual}${r.unexpected ? ' UNEXPECTED' : ''}`,
  );

const FORGER = 'arn:aws:iam::123456789012:role/stscreds-verify-forger';

describe('functionUrlCases', () => {
  it('finds an organization principal denied a direct invoke of the URL function, and let through its URL', async () => {
    const results = await simulateChain(functionUrlCases(model(URL_ONLY)), await loadSimulator());
    expect(results.map((r) => [r.caller, r.callerArn, r.actions, r.context, r.actual, r.unexpected])).toEqual(
      [
        ['direct invoker', FORGER, ['lambda:InvokeFunction'], { 'aws:PrincipalOrgID': ORG }, 'Denied', false],
        [
          'URL caller',
          FORGER,
          ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'],
          {
            'aws:PrincipalOrgID': ORG,
            'lambda:FunctionUrlAuthType': 'AWS_IAM',
            'lambda:InvokedViaFunctionUrl': 'true',
          },
          'Allowed',
          false,
        ],
      ],
    );
    expect(results[0]?.reason).toBe(
      'the resource policy of getSTScreds-url does not allow lambda:InvokeFunction to the direct invoker outside the Function URL',
    );
    expect(results[1]?.reason).toContain('resource policy Url');
    expect(results[1]?.reason).toContain('resource policy ViaUrl');
  });

  it('catches a plain lambda:InvokeFunction grant on the URL function: a forger gets in', async () => {
    expect(await verdicts(model([...URL_ONLY, DIRECT]))).toEqual([
      `direct invoker ${FORGER}: Allowed UNEXPECTED`,
      `URL caller ${FORGER}: Allowed`,
    ]);
  });

  it('catches a function that takes both entries, as the CDK app once deployed it', async () => {
    expect(await verdicts(model([...URL_ONLY, DIRECT], 'both'))).toContain(
      `direct invoker ${FORGER}: Allowed UNEXPECTED`,
    );
    expect(urlFunctionNotes(model([], 'both').functions ?? [])).toContainEqual(
      'getSTScreds-url takes both entries: whoever may invoke it directly can forge a Function URL caller',
    );
  });

  it('catches a URL grant without lambda:InvokeFunction via the URL, which Lambda now also requires', async () => {
    expect(await verdicts(model([URL_ONLY[0] as PolicyStatement]))).toEqual([
      `direct invoker ${FORGER}: Denied`,
      `URL caller ${FORGER}: Denied UNEXPECTED`,
    ]);
  });

  it('asks about each principal the policy names, and a stand-in when it names none', async () => {
    const alice = 'arn:aws:iam::111111111111:user/alice';
    const named = [
      lambdaPolicyStatement({ Action: 'lambda:InvokeFunction', Principal: alice }, URL_FN, 'aws'),
      lambdaPolicyStatement({ Action: 'lambda:InvokeFunction', Principal: '444444444444' }, URL_FN, 'aws'),
    ];
    expect(await verdicts(model(named))).toEqual([
      `direct invoker ${alice}: Allowed UNEXPECTED`,
      'direct invoker arn:aws:iam::444444444444:role/stscreds-verify-forger: Allowed UNEXPECTED',
    ]);
    expect(await verdicts(model([]))).toEqual([`direct invoker ${FORGER}: Denied`]);
  });

  it('asks nothing of a function that takes direct invokes only', () => {
    expect(functionUrlCases(model([DIRECT], 'invoke'))).toEqual([]);
    const unset = model([DIRECT]);
    const functions = (unset.functions ?? []).map((fn) => ({ ...fn, entry: undefined }));
    expect(functionUrlCases({ ...unset, functions })).toEqual([]);
  });
});

describe('lambdaPolicyStatement', () => {
  it('reads a permission alike as a template, moto and Lambda itself write it', () => {
    const expected: PolicyStatement = {
      Sid: 'ViaUrl',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444444444444:root' },
      Action: 'lambda:InvokeFunction',
      Resource: URL_FN,
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': ORG },
        Bool: { 'lambda:InvokedViaFunctionUrl': 'true' },
      },
    };
    const template = {
      Sid: 'ViaUrl',
      Action: 'lambda:InvokeFunction',
      Principal: '444444444444',
      PrincipalOrgID: ORG,
      InvokedViaFunctionUrl: true,
    };
    const moto = {
      Sid: 'ViaUrl',
      Action: 'lambda:InvokeFunction',
      Principal: '444444444444',
      InvokedViaFunctionUrl: true,
      Effect: 'Allow',
      Resource: URL_FN,
      Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
    };
    const lambda = {
      ...expected,
      Condition: { ...expected.Condition, Bool: { 'lambda:InvokedViaFunctionUrl': true } },
    };
    for (const raw of [template, moto, lambda])
      expect(lambdaPolicyStatement(raw, URL_FN, 'aws')).toEqual(expected);
  });

  it('keeps InvokedViaFunctionUrl false out, so the grant stays a direct one', () => {
    const statement = lambdaPolicyStatement(
      { Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: false },
      URL_FN,
      'aws',
    );
    expect(statement.Condition).toBeUndefined();
  });
});
