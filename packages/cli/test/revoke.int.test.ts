import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  DescribePolicyCommand,
  ListPoliciesCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { sourceIdentityOf } from '@stscreds/broker';
import { DEV_ORG, type DevOrg } from '@stscreds/devorg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminIamIn, type DevOrgCli, startDevOrgCli } from './support/devOrgCli.ts';

const ALICE = 'arn:aws:iam::111111111111:user/alice';
const PROD = '222222222222';

let dev: DevOrgCli;
let org: DevOrg;
beforeAll(async () => {
  dev = await startDevOrgCli('revoke');
  org = dev.org;
});
afterAll(() => dev?.stop());

const cli = (...args: string[]) => dev.cli(...args);
/** Asks again until the exit code is the one awaited, within the policy's cache age and a margin. */
const untilExit = async (code: number, ...args: string[]) => {
  const deadline = Date.now() + (DEV_ORG.accessPolicyMaxAgeSeconds + 15) * 1000;
  for (;;) {
    const result = await cli(...args);
    if (result.code === code || Date.now() > deadline) return result;
    await new Promise((r) => setTimeout(r, 500));
  }
};
const config = () => ({
  endpoint: org.moto.endpoint,
  region: DEV_ORG.region,
  credentials: org.seeded.operator.credentials,
});
const storedPolicy = async () =>
  (await new SSMClient(config()).send(new GetParameterCommand({ Name: DEV_ORG.accessPolicyParameter })))
    .Parameter?.Value ?? '';

describe('stscreds revoke against the local organization', () => {
  it('prints the documents on a dry run and changes nothing', async () => {
    const { code, stdout } = await cli(
      'revoke',
      'add',
      ALICE,
      '--reason',
      'key leaked',
      '--scp',
      '--inline',
      PROD,
      '--profile',
      'operator',
      '--dry-run',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('would write: service control policy');
    expect(stdout).toContain(`would write: lambda_sts in ${PROD}`);
    expect(stdout).toContain(sourceIdentityOf(ALICE));
    expect(await storedPolicy()).not.toContain('revocations');
  });

  it('shuts alice out within the cache age, leaves bob alone, and moto stores both documents', async () => {
    const added = await cli(
      'revoke',
      'add',
      ALICE,
      '--id',
      'alice-leak',
      '--reason',
      'key leaked',
      '--scp',
      '--inline',
      PROD,
      '--profile',
      'operator',
    );
    expect(added.stdout).toContain('written: service control policy');
    expect(added.stdout).toContain('does not reach the management account');
    expect(added.code).toBe(0);

    const refused = await untilExit(3, 'get', 'prod', '--profile', 'alice', '--no-cache');
    expect(refused.stderr).toMatch(/AccessDenied: .*is revoked .*key leaked.*\(alice-leak\)/);
    expect(refused.code).toBe(3);
    expect((await cli('get', 'staging', '--profile', 'bob', '--no-cache')).code).toBe(0);

    // moto keeps the documents and reads them back; it does not evaluate their conditions
    // (the IAM simulator does: packages/infra/test/revocations.test.ts).
    const organizations = new OrganizationsClient(config());
    const { Policies: scps = [] } = await organizations.send(
      new ListPoliciesCommand({ Filter: 'SERVICE_CONTROL_POLICY' }),
    );
    const scp = scps.find((p) => p.Name === 'stscreds-revocations');
    const content = JSON.parse(
      (await organizations.send(new DescribePolicyCommand({ PolicyId: scp?.Id }))).Policy?.Content ?? '{}',
    );
    expect(content.Statement[0].Condition.StringEquals['aws:SourceIdentity']).toEqual([
      sourceIdentityOf(ALICE),
    ]);
    const inline = await adminIamIn(org, PROD).send(
      new GetRolePolicyCommand({ RoleName: 'lambda_sts', PolicyName: 'stscreds-revocations' }),
    );
    expect(
      JSON.parse(decodeURIComponent(inline.PolicyDocument ?? '')).Statement[0].Condition.DateLessThan,
    ).toEqual({
      'aws:TokenIssueTime': JSON.parse(await storedPolicy()).revocations[0].revokedAt,
    });
  });

  it('shows the revocation as the deciding rule in policy explain, in the list, and in doctor', async () => {
    const file = join(dev.work, 'policy.json');
    await writeFile(file, await storedPolicy());
    const explained = await cli('policy', 'explain', file, '--caller', ALICE, '--account', 'prod');
    expect(explained.stdout).toContain('alice-leak');
    expect(explained.code).toBe(1);
    expect((await cli('revoke', 'list', '--profile', 'operator')).stdout).toMatch(/^alice-leak\s+in force/m);
    const doctor = await cli(
      'doctor',
      '--profile',
      'operator',
      '--broker-role',
      org.seeded.brokerRoleArn,
      '--json',
    );
    const report = JSON.parse(doctor.stdout) as {
      accounts: { accountId: string; checks: { revocations: { detail: string } } }[];
    };
    expect(report.accounts.find((a) => a.accountId === PROD)?.checks.revocations.detail).toBe(
      '1 on the role',
    );
  });

  it('lets alice in again once lifted', async () => {
    const lifted = await cli(
      'revoke',
      'lift',
      'alice-leak',
      '--scp',
      '--inline',
      PROD,
      '--profile',
      'operator',
    );
    expect(lifted.code).toBe(0);
    expect((await untilExit(0, 'get', 'prod', '--profile', 'alice', '--no-cache')).code).toBe(0);
    expect((await cli('revoke', 'list', '--profile', 'operator')).stdout).toMatch(/^alice-leak\s+lifted /m);
  });
});
