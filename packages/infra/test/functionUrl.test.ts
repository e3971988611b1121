import { functionUrlCases, loadSimulator, readCloudAssemblyChain, simulateChain } from '@stscreds/iam';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { buildStsCredsApp } from '../src/buildStsCredsApp.ts';
import { BrokerFunction } from '../src/constructs/BrokerFunction.ts';
import { InfraPropsError } from '../src/errors.ts';
import { InfraConfigError, readInfraConfig } from '../src/readInfraConfig.ts';

// The broker with a Function URL, organization-wide: every principal of the organization may
// call the URL. Had any of them a direct invoke of the URL function, it could send a Function
// URL event naming an administrator, and the handler could not tell.
const config = readInfraConfig({
  brokerAccountId: '111111111111',
  organizationId: 'o-exampleorg1',
  broker: { functionUrl: true },
});

const build = () => {
  const app = new App({ builtinCloudFormationValidation: false });
  return { app, stacks: buildStsCredsApp(app, config, { nag: false }) };
};

describe('the Function URL broker organization-wide', () => {
  it('grants the organization the URL, and lambda:InvokeFunction only via the URL', () => {
    const { app, stacks } = build();
    app.synth();
    const t = Template.fromStack(stacks.broker);
    const permissions = Object.values(t.findResources('AWS::Lambda::Permission')).map((p) => p.Properties);
    const urlFunction = (p: { FunctionName: { 'Fn::GetAtt': [string, string] } }) =>
      p.FunctionName['Fn::GetAtt'][0].startsWith('UrlBrokerFunction');
    expect(permissions.filter(urlFunction)).toEqual([
      {
        Action: 'lambda:InvokeFunctionUrl',
        FunctionName: expect.anything(),
        FunctionUrlAuthType: 'AWS_IAM',
        Principal: '*',
        PrincipalOrgID: 'o-exampleorg1',
      },
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: expect.anything(),
        InvokedViaFunctionUrl: true,
        Principal: '*',
        PrincipalOrgID: 'o-exampleorg1',
      },
    ]);
    expect(permissions.filter((p) => !urlFunction(p))).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: expect.anything(),
        Principal: '*',
        PrincipalOrgID: 'o-exampleorg1',
      },
    ]);
  });

  it('fails the synth when anyone is granted a direct invoke of the URL function', () => {
    const { app, stacks } = build();
    stacks.broker.urlFunction?.grantInvoke(new iam.AccountPrincipal('444444444444'));
    expect(() => app.synth()).toThrow(
      /UrlBroker.*grants lambda:InvokeFunction on the Function URL broker .* a direct invoker could forge the caller/s,
    );
  });

  it('fails the synth when a role of the stack may invoke the URL function directly', () => {
    const { app, stacks } = build();
    const role = new iam.Role(stacks.broker, 'Deployer', { assumedBy: new iam.AccountRootPrincipal() });
    stacks.broker.urlFunction?.grantInvoke(role);
    expect(() => app.synth()).toThrow(/Deployer.*allows lambda:InvokeFunction on the Function URL broker/s);
  });

  it.each([
    ['lambda:InvokeFunction on every resource', 'lambda:InvokeFunction', true],
    ['lambda:* on the URL function', 'lambda:*', false],
    ['lambda:Invoke* on the URL function', 'lambda:Invoke*', false],
  ])('fails the synth for an identity policy allowing %s', (_, action, everyResource) => {
    const { app, stacks } = build();
    const url = stacks.broker.urlFunction;
    if (!url) throw new Error('no URL function');
    new iam.Role(stacks.broker, 'Wide', {
      assumedBy: new iam.AccountRootPrincipal(),
      inlinePolicies: {
        wide: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: [action],
              resources: [everyResource ? '*' : url.functionArn],
            }),
          ],
        }),
      },
    });
    expect(() => app.synth()).toThrow(/Wide.*allows lambda:InvokeFunction on the Function URL broker/s);
  });

  it('lets a role of the stack call the URL, with InvokedViaFunctionUrl', () => {
    const { app, stacks } = build();
    const role = new iam.Role(stacks.broker, 'UrlCaller', { assumedBy: new iam.AccountRootPrincipal() });
    stacks.broker.urlFunction?.grantInvokeUrl(role);
    app.synth();
    Template.fromStack(stacks.broker).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^UrlCaller') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'lambda:InvokeFunction',
            Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': true } },
          }),
        ]),
      },
    });
  });
});

describe('IAM simulation of the Function URL broker', () => {
  it('denies an organization principal a direct invoke of the URL function, and lets it call the URL', async () => {
    const { app } = build();
    const model = await readCloudAssemblyChain(app.synth().directory);
    expect(model.functions?.map((f) => [f.name, f.entry, f.hasFunctionUrl])).toEqual([
      ['getSTScreds', 'invoke', false],
      ['getSTScreds-url', 'url', true],
    ]);
    const results = await simulateChain(functionUrlCases(model), await loadSimulator());
    expect(
      results.map((r) => [r.caller, r.callerArn, r.context['aws:PrincipalOrgID'], r.actual, r.unexpected]),
    ).toEqual([
      [
        'direct invoker',
        'arn:aws:iam::123456789012:role/stscreds-verify-forger',
        'o-exampleorg1',
        'Denied',
        false,
      ],
      [
        'URL caller',
        'arn:aws:iam::123456789012:role/stscreds-verify-forger',
        'o-exampleorg1',
        'Allowed',
        false,
      ],
    ]);
    expect(model.notes).toContainEqual(
      expect.stringMatching(/^principals of 111111111111 need no resource policy/),
    );
  });
});

describe('the invoke-only broker', () => {
  it('has no URL to grant', () => {
    const { stacks } = build();
    const invoke = stacks.broker.node
      .findAll()
      .find((c) => c instanceof BrokerFunction && c.takes === 'invoke');
    if (!(invoke instanceof BrokerFunction)) throw new Error('no invoke function');
    expect(() => invoke.grantInvokeUrl(new iam.AccountPrincipal('444444444444'))).toThrow(InfraPropsError);
  });
});

describe('readInfraConfig with a Function URL', () => {
  it('refuses a function name that leaves no room for the URL function’s', () => {
    const raw = { brokerAccountId: '111111111111', organizationId: 'o-exampleorg1' };
    const long = 'f'.repeat(61);
    expect(() => readInfraConfig({ ...raw, broker: { functionUrl: true, functionName: long } })).toThrow(
      /broker\.functionName: may have at most 60 characters with functionUrl/,
    );
    expect(() => readInfraConfig({ ...raw, broker: { functionUrl: true, functionName: long } })).toThrow(
      InfraConfigError,
    );
    expect(
      readInfraConfig({ ...raw, broker: { functionUrl: true, functionName: 'f'.repeat(60) } }).broker
        .functionName,
    ).toHaveLength(60);
    expect(readInfraConfig({ ...raw, broker: { functionName: long } }).broker.functionName).toBe(long);
  });
});
