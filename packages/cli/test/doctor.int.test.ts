import {
  AttachRolePolicyCommand,
  DetachRolePolicyCommand,
  type IAMClient,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { DEV_ORG, type DevOrg } from '@stscreds/devorg';
import { targetRoleTrustPolicy } from '@stscreds/iam/policies';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../src/commands/doctor.ts';
import { adminIamIn, type DevOrgCli, startDevOrgCli } from './support/devOrgCli.ts';

let dev: DevOrgCli;
let org: DevOrg;
beforeAll(async () => {
  dev = await startDevOrgCli('doctor');
  org = dev.org;
});
afterAll(() => dev?.stop());

const doctor = (...extra: string[]) =>
  dev.cli(
    'doctor',
    '--profile',
    'operator',
    '--broker-profile',
    'broker',
    '--broker-role',
    org.seeded.brokerRoleArn,
    ...extra,
  );
const iamIn = async (accountId: string): Promise<IAMClient> => adminIamIn(org, accountId);
const staging = '333333333333';
const prod = '222222222222';

describe('stscreds doctor against the local organization', () => {
  it('lists every account of the organization from Organizations and finds each healthy', async () => {
    const { code, stdout, stderr } = await doctor();
    expect(stderr).toBe(''); // no progress display off a terminal
    expect(stdout).toMatch(/^222222222222\s+prod\s+ok\s+ok\s+ok\s+ok\s+ok$/m);
    expect(stdout).toMatch(/^333333333333\s+staging\s+ok\s+ok\s+ok\s+ok\s+ok$/m);
    // The management account (the DevOps account here) has no lambda_sts, and need not.
    expect(stdout).toMatch(/^111111111111\s+master\s+-\s+-/m);
    expect(stdout).toContain('All 3 accounts healthy');
    expect(code).toBe(0);
  });

  it('catches a trust policy that also trusts an outsider, and exits 1', async () => {
    const iam = await iamIn(staging);
    const broken = targetRoleTrustPolicy({ brokerRoleArn: org.seeded.brokerRoleArn });
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: DEV_ORG.targetRoleName,
        PolicyDocument: JSON.stringify({
          ...broken,
          Statement: [
            ...broken.Statement,
            {
              Effect: 'Allow',
              Principal: { AWS: 'arn:aws:iam::999999999999:root' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    );
    try {
      const { code, stdout } = await doctor();
      expect(stdout).toMatch(/^333333333333\s+staging\s+ok\s+DRIFT\s+ok/m);
      expect(stdout).toContain('333333333333 staging: trust: also trusts AWS arn:aws:iam::999999999999:root');
      expect(stdout).toMatch(/^222222222222\s+prod\s+ok\s+ok/m);
      expect(code).toBe(1);
    } finally {
      await iam.send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: DEV_ORG.targetRoleName,
          PolicyDocument: JSON.stringify(broken),
        }),
      );
    }
    expect((await doctor()).code).toBe(0);
  });

  it('catches a trust that lost sts:TagSession, which the broker needs', async () => {
    const iam = await iamIn(staging);
    const good = targetRoleTrustPolicy({ brokerRoleArn: org.seeded.brokerRoleArn });
    const [statement] = good.Statement;
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: DEV_ORG.targetRoleName,
        PolicyDocument: JSON.stringify({
          ...good,
          Statement: [{ ...statement, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] }],
        }),
      }),
    );
    try {
      const { code, stdout } = await doctor('--json');
      const report = JSON.parse(stdout) as {
        healthy: boolean;
        accounts: { accountId: string; checks: Record<string, { state: string; detail: string }> }[];
      };
      expect(report.healthy).toBe(false);
      const trust = report.accounts.find((a) => a.accountId === staging)?.checks.trust;
      expect(trust?.state).toBe('drift');
      expect(trust?.detail).toContain(`does not allow ${org.seeded.brokerRoleArn} to call sts:tagsession`);
      expect(code).toBe(1);
    } finally {
      await iam.send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: DEV_ORG.targetRoleName,
          PolicyDocument: JSON.stringify(good),
        }),
      );
    }
  });

  it('catches managed policies that differ from the preset, both ways', async () => {
    const iam = await iamIn(prod);
    await iam.send(
      new DetachRolePolicyCommand({
        RoleName: DEV_ORG.targetRoleName,
        PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess',
      }),
    );
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: DEV_ORG.targetRoleName,
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    try {
      const { code, stdout } = await doctor();
      expect(stdout).toContain(
        '222222222222 prod: policies: lacks arn:aws:iam::aws:policy/AmazonS3FullAccess; also holds arn:aws:iam::aws:policy/AdministratorAccess',
      );
      expect(code).toBe(1);
      // Against the readonly preset, every seed policy is extra, and ReadOnlyAccess missing.
      expect((await doctor('--preset', 'readonly')).stdout).toContain(
        '333333333333 staging: policies: lacks arn:aws:iam::aws:policy/ReadOnlyAccess',
      );
    } finally {
      await iam.send(
        new DetachRolePolicyCommand({
          RoleName: DEV_ORG.targetRoleName,
          PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        }),
      );
      await iam.send(
        new AttachRolePolicyCommand({
          RoleName: DEV_ORG.targetRoleName,
          PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess',
        }),
      );
    }
  });

  it('expects the conditions it is told of: an organization condition the roles lack is drift', async () => {
    const { code, stdout } = await doctor('--organization-id', org.seeded.organizationId);
    expect(stdout).toMatch(/222222222222 prod: trust: .*lacks the builder's statement: .*aws:principalorgid/);
    expect(code).toBe(1);
  });

  it('reports a missing role', async () => {
    const { code, stdout } = await doctor('--target-role', 'no_such_role');
    expect(stdout).toContain('222222222222 prod: role: no_such_role does not exist');
    expect(code).toBe(1);
  });

  it('tries the assume as the broker: credentials that are not the broker are refused, and shown as drift', async () => {
    const { code, stdout } = await doctor('--broker-profile', 'alice');
    expect(stdout).toMatch(/^222222222222\s+prod\s+ok\s+ok\s+ok\s+DRIFT/m);
    expect(stdout).toMatch(/222222222222 prod: assume: AccessDenied: .*alice/);
    expect(code).toBe(1);
  });

  it('reports progress after each account to a watcher, one account at a time with --concurrency 1', async () => {
    const { OrganizationsClient } = await import('@aws-sdk/client-organizations');
    const { liveIamClients } = await import('@stscreds/iam/verify');
    const credentials = org.seeded.operator.credentials;
    const config = { endpoint: org.moto.endpoint, region: DEV_ORG.region };
    const progress: string[] = [];
    const printed: string[] = [];
    const code = await runDoctor(
      {
        brokerRole: org.seeded.brokerRoleArn,
        targetRole: DEV_ORG.targetRoleName,
        preset: 'seed',
        managedPolicy: [],
        requireSourceIdentity: false,
        trustLambdaService: false,
        concurrency: 1,
        json: false,
      },
      {
        print: (line) => printed.push(line),
        progress: (line) => progress.push(line),
        organizations: new OrganizationsClient({ ...config, credentials }),
        iamFor: liveIamClients({ ...config, credentials: async () => credentials }),
      },
    );
    expect(progress).toEqual([
      'checked 1/3 accounts (last: 111111111111 ok)',
      'checked 2/3 accounts (last: 222222222222 ok)',
      'checked 3/3 accounts (last: 333333333333 ok)',
    ]);
    // Without broker credentials the assume check is skipped, not passed.
    expect(printed).toContainEqual(expect.stringMatching(/^222222222222\s+prod\s+ok\s+ok\s+ok\s+-\s+ok$/));
    expect(code).toBe(0);
  });

  it('refuses a malformed broker role before any call', async () => {
    const { code, stdout } = await doctor('--broker-role', 'arn:aws:iam::111111111111:role/*');
    expect(stdout).toContain('is not the ARN of one IAM role');
    expect(code).toBe(2);
  });
});
