import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { describe, expect, it } from 'vitest';
import { BROKER_ASSET_DIR, BrokerFunction } from '../src/constructs/BrokerFunction.ts';

/** Every file under `dir`, by its path relative to `dir`, with its text. */
const filesUnder = (dir: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = relative(dir, join(entry.parentPath, entry.name));
        return [path, readFileSync(join(dir, path), 'utf8')];
      }),
  );

const synthAsset = (
  entry?: string,
): { handler: string; files: string[]; code: string; tree: Record<string, string> } => {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'stscreds-broker-function-')),
    builtinCloudFormationValidation: false,
  });
  const stack = new Stack(app, 'Broker');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const accessPolicyParameter = new ssm.StringParameter(stack, 'Policy', { stringValue: '{}' });
  new BrokerFunction(stack, 'Broker', { role, accessPolicyParameter, ...(entry ? { entry } : {}) });
  const assembly = app.synth();
  const template = assembly.getStackByName('Broker').template;
  const fn = Object.values(
    template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
  ).find((r) => r.Type === 'AWS::Lambda::Function');
  const key = (fn?.Properties.Code as { S3Key?: string } | undefined)?.S3Key;
  if (!fn || !key) throw new Error('no function asset was synthesized');
  const dir = join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
  const files = readdirSync(dir);
  return {
    handler: String(fn.Properties.Handler),
    files,
    code: readFileSync(join(dir, 'index.mjs'), 'utf8'),
    tree: filesUnder(dir),
  };
};

describe('BrokerFunction', () => {
  it('deploys the broker bundle the package ships, byte for byte, with no bundling at synth', () => {
    const { handler, tree } = synthAsset();
    expect(handler).toBe('index.handler');
    // The whole folder: the entry and the chunks it loads on demand, each file as shipped.
    expect(Object.keys(tree)).toContain('index.mjs');
    expect(Object.keys(tree).filter((path) => path.startsWith('chunks/')).length).toBeGreaterThan(0);
    expect(tree).toEqual(filesUnder(BROKER_ASSET_DIR));
  }, 60_000);

  it('bundles a TypeScript entry from the workspace sources when asked to build from source', () => {
    const entry = resolve(import.meta.dirname, '../../broker/src/handler.ts');
    const { handler, files, code } = synthAsset(entry);
    expect(handler).toBe('index.handler');
    expect(files).toEqual(['index.mjs']);
    // The sources were bundled, dependencies included: nothing is left to resolve at run time.
    expect(code).not.toMatch(/from\s*["']@stscreds\//);
    expect(code).toContain('getSTScreds');
  }, 60_000);

  it("defaults the audience to the function's own ARN, so that no two brokers share one", () => {
    const audienceIn = (env?: { account: string; region: string }, functionName?: string) => {
      const stack = new Stack(new App(), 'Broker', env ? { env } : {});
      const role = new iam.Role(stack, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      });
      const accessPolicyParameter = new ssm.StringParameter(stack, 'Policy', { stringValue: '{}' });
      new BrokerFunction(stack, 'Broker', {
        role,
        accessPolicyParameter,
        ...(functionName && { functionName }),
      });
      const fn = Object.values(
        Template.fromStack(stack).findResources('AWS::Lambda::Function') as Record<
          string,
          { Properties: { Environment: { Variables: Record<string, unknown> } } }
        >,
      )[0];
      return fn?.Properties.Environment.Variables.STSCREDS_AUDIENCE;
    };
    /** The ARN as CloudFormation will write it, with each pseudo-parameter named. */
    const rendered = (value: unknown): string => {
      if (typeof value === 'string') return value;
      const [, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
      return parts
        .map((part) => (typeof part === 'string' ? part : `<${(part as { Ref: string }).Ref}>`))
        .join('');
    };
    expect(rendered(audienceIn({ account: '111111111111', region: 'eu-west-1' }))).toBe(
      'arn:<AWS::Partition>:lambda:eu-west-1:111111111111:function:getSTScreds',
    );
    expect(rendered(audienceIn({ account: '222222222222', region: 'eu-west-1' }, 'other'))).toBe(
      'arn:<AWS::Partition>:lambda:eu-west-1:222222222222:function:other',
    );
    // Without an environment, the ARN is resolved at deploy time from the stack's own account.
    expect(rendered(audienceIn())).toBe(
      'arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:getSTScreds',
    );
  }, 60_000);

  it('gives an audience only to the function that checks identity proofs, not to the URL function', () => {
    const stack = new Stack(new App(), 'Broker', { env: { account: '111111111111', region: 'eu-west-1' } });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const accessPolicyParameter = new ssm.StringParameter(stack, 'Policy', { stringValue: '{}' });
    // As BrokerStack builds both, from one set of props.
    const common = { role, accessPolicyParameter, audience: 'my-broker' };
    new BrokerFunction(stack, 'Broker', common);
    new BrokerFunction(stack, 'UrlBroker', { ...common, functionName: 'getSTScreds-url', takes: 'url' });
    const variables = Object.values(
      Template.fromStack(stack).findResources('AWS::Lambda::Function') as Record<
        string,
        { Properties: { Environment: { Variables: Record<string, unknown> } } }
      >,
    ).map((fn) => fn.Properties.Environment.Variables);
    expect(variables.find((v) => v.STSCREDS_ENTRY === 'invoke')?.STSCREDS_AUDIENCE).toBe('my-broker');
    const url = variables.find((v) => v.STSCREDS_ENTRY === 'url');
    expect(url).toBeDefined();
    expect(url).not.toHaveProperty('STSCREDS_AUDIENCE');
  }, 60_000);
});
