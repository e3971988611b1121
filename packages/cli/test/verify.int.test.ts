import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { type IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand } from '@aws-sdk/client-lambda';
import { DEV_ORG, type MotoServer, type SeededOrganization, startSeededMoto } from '@stscreds/devorg';
import { liveIamClients, liveLambdaClients, loadSimulator } from '@stscreds/iam/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerify } from '../src/commands/verify.ts';

const BIN = resolve(import.meta.dirname, '../bin/stscreds.js');
const exec = promisify(execFile);
const [prod, staging] = DEV_ORG.targets.map((t) => t.accountId) as [string, string];

let moto: MotoServer;
let org: SeededOrganization;
beforeAll(async () => {
  ({ moto, org } = await startSeededMoto());
});
afterAll(async () => {
  await moto?.stop();
});

/** The operator of the local organization, as an auditor with AWS CLI-style environment credentials. */
const operatorEnv = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_'))),
  NODE_NO_WARNINGS: '1',
  AWS_ACCESS_KEY_ID: org.operator.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: org.operator.credentials.secretAccessKey,
  AWS_ENDPOINT_URL: moto.endpoint,
  AWS_REGION: DEV_ORG.region,
});

const cli = async (args: string[]) => {
  try {
    const { stdout } = await exec(process.execPath, [BIN, ...args], { env: operatorEnv() });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: `${failed.stdout}${failed.stderr}` };
  }
};

const liveArgs = () => [
  'verify',
  '--live',
  '--broker-role',
  org.brokerRoleArn,
  '--account',
  prod,
  '--account',
  staging,
];

const asOperator = () => ({
  region: DEV_ORG.region,
  endpoint: moto.endpoint,
  credentials: async () => org.operator.credentials,
});
const [alice, bob] = DEV_ORG.callers.map((c) => `arn:aws:iam::${DEV_ORG.devopsAccountId}:user/${c.name}`);

describe('stscreds verify --live against the local organization', () => {
  it('reads the seeded roles with the SDK and finds every case as designed', async () => {
    const lines: string[] = [];
    const code = await runVerify(
      {
        dir: 'unused',
        live: true,
        accounts: [prod, staging],
        brokerRole: org.brokerRoleArn,
        targetRole: 'lambda_sts',
      },
      {
        print: (line) => lines.push(line),
        loadSimulator: () => loadSimulator(),
        iamFor: liveIamClients(asOperator()),
        lambdaFor: liveLambdaClients(asOperator()),
      },
    );
    const verdicts = lines
      .filter((l) => /^[✔✘]/.test(l))
      .map((l) => l.split(/ {2,}/).slice(1, 5).join(' | '));
    expect(verdicts).toEqual([
      `${prod} | lambda_sts | broker (${org.brokerRoleArn}) | Allowed`,
      `${prod} | OrganizationAccountAccessRole | broker (${org.brokerRoleArn}) | Denied`,
      `${prod} | lambda_sts | other principal (arn:aws:iam::111111111111:role/stscreds-verify-other-principal) | Denied`,
      `${prod} | lambda_sts | outsider (arn:aws:iam::999999999999:role/lambda_basic_execution) | Denied`,
      `${staging} | lambda_sts | broker (${org.brokerRoleArn}) | Allowed`,
      `${staging} | OrganizationAccountAccessRole | broker (${org.brokerRoleArn}) | Denied`,
      `${staging} | lambda_sts | other principal (arn:aws:iam::111111111111:role/stscreds-verify-other-principal) | Denied`,
      `${staging} | lambda_sts | outsider (arn:aws:iam::999999999999:role/lambda_basic_execution) | Denied`,
      `999999999999 | lambda_sts | broker (${org.brokerRoleArn}) | Denied`,
      `111111111111 | getSTScreds-url | direct invoker (${alice}) | Denied`,
      `111111111111 | getSTScreds-url | direct invoker (${bob}) | Denied`,
      `111111111111 | getSTScreds-url | URL caller (${alice}) | Allowed`,
      `111111111111 | getSTScreds-url | URL caller (${bob}) | Allowed`,
    ]);
    expect(code).toBe(0);
  });

  it('runs as a command with the credentials and endpoint of the environment', async () => {
    const { code, stdout } = await cli(liveArgs());
    expect(stdout).toContain(
      `Credential chain of the deployed roles: broker ${org.brokerRoleArn}, target role lambda_sts, no organization`,
    );
    expect(stdout).toContain('All 13 cases as expected.');
    expect(code).toBe(0);
  });

  it('exits non-zero once a target role trusts more than the broker', async () => {
    const inStaging = liveIamClients({
      region: DEV_ORG.region,
      endpoint: moto.endpoint,
      credentials: async () => org.operator.credentials,
    });
    const iam: IAMClient = await inStaging(staging);
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: 'lambda_sts',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${DEV_ORG.devopsAccountId}:root` },
              Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
            },
          ],
        }),
      }),
    );
    const { code, stdout } = await cli(liveArgs());
    expect(stdout).toMatch(new RegExp(`✘ +${staging} +lambda_sts +other principal .*Allowed ✘ UNEXPECTED`));
    expect(stdout).toContain('1 of 13 cases UNEXPECTED:');
    expect(code).toBe(1);
  });

  it('exits non-zero once another account may invoke the URL function directly', async () => {
    // As a function that takes both entries would need: a plain invoke grant.
    const lambda = await liveLambdaClients(asOperator())(DEV_ORG.devopsAccountId);
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'getSTScreds-url',
        StatementId: 'DirectInvoke',
        Action: 'lambda:InvokeFunction',
        Principal: '444444444444',
      }),
    );
    const { code, stdout } = await cli(liveArgs());
    expect(stdout).toMatch(
      /✘ +111111111111 +getSTScreds-url +direct invoker \(arn:aws:iam::444444444444:role\/stscreds-verify-forger\) +Allowed ✘ UNEXPECTED +AdministratorAccess .* \+ resource policy DirectInvoke/,
    );
    expect(stdout).toContain(
      'arn:aws:iam::444444444444:role/stscreds-verify-forger cannot invoke getSTScreds-url directly with a forged Function URL event (Lambda): expected Denied, got Allowed',
    );
    expect(code).toBe(1);
  });
});
