import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerAssumeRolePolicy, targetRoleTrustPolicy } from '@stscreds/iam/policies';
import { loadSimulator, SimulatorMissingError } from '@stscreds/iam/verify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  runVerify,
  simulatorLocation,
  type VerifyDependencies,
  type VerifyInput,
} from '../src/commands/verify.ts';
import { main } from '../src/main.ts';

const BROKER = 'arn:aws:iam::111111111111:role/stscreds-broker';
const ORG = 'o-a1b2c3d4e5';

/** A cloud assembly as cdk synth writes it: a broker stack in its account, an env-agnostic target stack. */
const writeAssembly = (dir: string, trustPolicy: object, functions: Record<string, object> = {}): void => {
  const partitioned = (value: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, value]] });
  const policy = brokerAssumeRolePolicy({
    partition: 'PARTITION',
    targetRoleName: 'lambda_sts',
    organizationId: ORG,
  });
  const broker = {
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'stscreds-broker',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          },
        },
      },
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'sts_assumerole',
          Roles: [{ Ref: 'Role' }],
          PolicyDocument: {
            ...policy,
            Statement: policy.Statement.map((s) => ({
              ...s,
              Resource: partitioned(':iam::*:role/lambda_sts'),
            })),
          },
        },
      },
      ...functions,
    },
  };
  const target = {
    Resources: {
      TargetRole: {
        Type: 'AWS::IAM::Role',
        Properties: { RoleName: 'lambda_sts', AssumeRolePolicyDocument: trustPolicy },
      },
    },
  };
  writeFileSync(join(dir, 'Broker.template.json'), JSON.stringify(broker));
  writeFileSync(join(dir, 'Target.template.json'), JSON.stringify(target));
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      version: '55.0.0',
      artifacts: {
        Broker: {
          type: 'aws:cloudformation:stack',
          environment: 'aws://111111111111/us-west-2',
          properties: { templateFile: 'Broker.template.json' },
        },
        Target: {
          type: 'aws:cloudformation:stack',
          environment: 'aws://unknown-account/unknown-region',
          properties: { templateFile: 'Target.template.json' },
        },
      },
    }),
  );
};

/** A function running as the broker, taking `entry`, with a Function URL and these grants. */
const urlFunction = (entry: string, grants: Record<string, unknown>[]) => ({
  UrlFunction: {
    Type: 'AWS::Lambda::Function',
    Properties: {
      FunctionName: 'getSTScreds-url',
      Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
      Environment: { Variables: { STSCREDS_ENTRY: entry } },
    },
  },
  Url: {
    Type: 'AWS::Lambda::Url',
    Properties: { AuthType: 'AWS_IAM', TargetFunctionArn: { 'Fn::GetAtt': ['UrlFunction', 'Arn'] } },
  },
  ...Object.fromEntries(
    grants.map((grant, index) => [
      `Grant${index}`,
      {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          FunctionName: { 'Fn::GetAtt': ['UrlFunction', 'Arn'] },
          Principal: '*',
          PrincipalOrgID: ORG,
          ...grant,
        },
      },
    ]),
  ),
});
const VIA_URL = [
  { Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: 'AWS_IAM' },
  { Action: 'lambda:InvokeFunction', InvokedViaFunctionUrl: true },
];

let good: string;
let bad: string;
let urlOnly: string;
let forgeable: string;
beforeAll(() => {
  good = mkdtempSync(join(tmpdir(), 'stscreds-verify-'));
  writeAssembly(good, targetRoleTrustPolicy({ brokerRoleArn: BROKER, organizationId: ORG }));
  bad = mkdtempSync(join(tmpdir(), 'stscreds-verify-'));
  // The console's default for "another AWS account": the whole DevOps account may assume it.
  writeAssembly(bad, {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111111111111:root' },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
      },
    ],
  });
  const trust = targetRoleTrustPolicy({ brokerRoleArn: BROKER, organizationId: ORG });
  urlOnly = mkdtempSync(join(tmpdir(), 'stscreds-verify-'));
  writeAssembly(urlOnly, trust, urlFunction('url', VIA_URL));
  // One function taking both entries, as the CDK app once deployed a Function URL.
  forgeable = mkdtempSync(join(tmpdir(), 'stscreds-verify-'));
  writeAssembly(forgeable, trust, urlFunction('both', [...VIA_URL, { Action: 'lambda:InvokeFunction' }]));
});
afterAll(() => {
  for (const dir of [good, bad, urlOnly, forgeable]) rmSync(dir, { recursive: true, force: true });
});

const run = async (input: Partial<VerifyInput>, overrides: Partial<VerifyDependencies> = {}) => {
  const lines: string[] = [];
  const deps: VerifyDependencies = {
    print: (line) => lines.push(line),
    loadSimulator: () => loadSimulator(),
    iamFor: () => Promise.reject(new Error('no IAM in unit tests')),
    ...overrides,
  };
  const code = await runVerify(
    { dir: good, live: false, accounts: [], targetRole: 'lambda_sts', ...input },
    deps,
  );
  return { code, lines, output: lines.join('\n') };
};

describe('stscreds verify over a cdk.out folder', () => {
  it('prints account × role × caller with the reason, and exits 0 when all is as designed', async () => {
    const { code, lines } = await run({ accounts: ['222222222222', '333333333333'] });
    expect(lines[0]).toBe(
      `Credential chain of ${good}: broker ${BROKER}, target role lambda_sts, organization ${ORG}`,
    );
    expect(lines[1]).toMatch(/ACCOUNT +ROLE +CALLER +RESULT +REASON/);
    const rows = lines.slice(2, 11).map((line) => line.split(/ {2,}/).slice(0, 5));
    expect(rows).toEqual([
      ['✔', '222222222222', 'lambda_sts', `broker (${BROKER})`, 'Allowed'],
      ['✔', '222222222222', 'OrganizationAccountAccessRole', `broker (${BROKER})`, 'Denied'],
      [
        '✔',
        '222222222222',
        'lambda_sts',
        'other principal (arn:aws:iam::111111111111:role/stscreds-verify-other-principal)',
        'Denied',
      ],
      [
        '✔',
        '222222222222',
        'lambda_sts',
        'outsider (arn:aws:iam::999999999999:role/stscreds-broker)',
        'Denied',
      ],
      ['✔', '333333333333', 'lambda_sts', `broker (${BROKER})`, 'Allowed'],
      ['✔', '333333333333', 'OrganizationAccountAccessRole', `broker (${BROKER})`, 'Denied'],
      [
        '✔',
        '333333333333',
        'lambda_sts',
        'other principal (arn:aws:iam::111111111111:role/stscreds-verify-other-principal)',
        'Denied',
      ],
      [
        '✔',
        '333333333333',
        'lambda_sts',
        'outsider (arn:aws:iam::999999999999:role/stscreds-broker)',
        'Denied',
      ],
      ['✔', '999999999999', 'lambda_sts', `broker (${BROKER})`, 'Denied'],
    ]);
    expect(lines.at(-1)).toBe('All 9 cases as expected.');
    expect(code).toBe(0);
  });

  it('exits 1 and names each unexpected result', async () => {
    const { code, output } = await run({ dir: bad });
    expect(output).toContain('Allowed ✘ UNEXPECTED');
    expect(output).toContain(
      "1 of 5 cases UNEXPECTED:\n  no other principal of the broker's account, even an administrator, reaches lambda_sts: expected Denied, got Allowed",
    );
    expect(code).toBe(1);
  });

  it('finds the Function URL function closed to direct invokes, open through its URL', async () => {
    const { code, lines } = await run({ dir: urlOnly, accounts: ['222222222222'] });
    const rows = lines.filter((l) => /getSTScreds-url/.test(l) && /^[✔✘]/.test(l));
    expect(rows.map((line) => line.split(/ {2,}/).slice(0, 5))).toEqual([
      [
        '✔',
        '111111111111',
        'getSTScreds-url',
        'direct invoker (arn:aws:iam::123456789012:role/stscreds-verify-forger)',
        'Denied',
      ],
      [
        '✔',
        '111111111111',
        'getSTScreds-url',
        'URL caller (arn:aws:iam::123456789012:role/stscreds-verify-forger)',
        'Allowed',
      ],
    ]);
    expect(lines).toContainEqual(
      expect.stringMatching(/^note: principals of 111111111111 need no resource policy/),
    );
    expect(lines.at(-1)).toBe('All 7 cases as expected.');
    expect(code).toBe(0);
  });

  it('exits 1 when an organization principal could forge a Function URL event by direct invoke', async () => {
    const { code, output } = await run({ dir: forgeable, accounts: ['222222222222'] });
    expect(output).toMatch(/✘ +111111111111 +getSTScreds-url +direct invoker .* +Allowed ✘ UNEXPECTED/);
    expect(output).toContain(
      '1 of 7 cases UNEXPECTED:\n  arn:aws:iam::123456789012:role/stscreds-verify-forger cannot invoke getSTScreds-url directly with a forged Function URL event (Broker): expected Denied, got Allowed',
    );
    expect(output).toContain('note: getSTScreds-url takes both entries');
    expect(code).toBe(1);
  });

  it('says how to install the simulator when it is missing, and exits 2', async () => {
    const { code, lines } = await run(
      {},
      { loadSimulator: () => Promise.reject(new SimulatorMissingError()) },
    );
    expect(lines).toEqual([
      'The IAM simulator is not installed. It is optional (AGPL-3.0), so install it yourself: npm install --save-dev @cloud-copilot/iam-simulate',
    ]);
    expect(code).toBe(2);
  });

  it('exits 2 for a folder that is no cloud assembly, and for --live without its inputs', async () => {
    expect(await run({ dir: join(good, 'nothing') })).toMatchObject({
      code: 2,
      lines: [`${join(good, 'nothing')} is not a cloud assembly (run cdk synth first)`],
    });
    expect(await run({ live: true, accounts: ['222222222222'] })).toMatchObject({
      code: 2,
      lines: ['--live needs --broker-role <arn>'],
    });
    expect(await run({ live: true, brokerRole: BROKER })).toMatchObject({
      code: 2,
      lines: ['--live needs at least one --account <id>'],
    });
  });

  it('is wired into the stscreds command', async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const usage = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['node', 'stscreds', 'verify', bad, '--account', '222222222222'])).toBe(1);
      expect(await main(['node', 'stscreds', 'verify', good, '--account', '222222222222'])).toBe(0);
      expect(await main(['node', 'stscreds', 'verify', good, '--account', '2222'])).toBe(2);
    } finally {
      spy.mockRestore();
      usage.mockRestore();
    }
    expect(written.join('')).toContain('All 5 cases as expected.');
  });
});

describe('simulatorLocation', () => {
  it('answers where the simulator loads from, or nothing when it cannot be found', () => {
    expect(simulatorLocation()).toMatch(/node_modules\/@cloud-copilot\/iam-simulate\//);
    const missing = (name: string): string => {
      throw Object.assign(new Error(`Cannot find package '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' });
    };
    expect(simulatorLocation(missing)).toBeUndefined();
  });
});
