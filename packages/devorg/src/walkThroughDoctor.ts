import { IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { checkOrganization, createBrokerAssumer, type DoctorReport } from '@stscreds/iam/doctor';
import { managedPolicyArns, targetRoleTrustPolicy } from '@stscreds/iam/policies';
import { liveIamClients } from '@stscreds/iam/verify';
import { assumeBrokerRole } from './assumeBrokerRole.ts';
import { DEV_ORG } from './defaults.ts';
import type { DevOrg } from './startDevOrg.ts';

/** Runs one titled step of the walkthrough; the step fails when `run` throws. */
export type WalkthroughStepRunner = (title: string, run: () => Promise<string>) => Promise<void>;

/** Each account of a report in a word or two, for the walkthrough's one-line detail. */
const summary = (report: DoctorReport): string =>
  report.accounts
    .map(
      (a) => `${a.name} ${a.healthy ? (a.checks.role.state === 'skipped' ? 'not a target' : 'ok') : 'DRIFT'}`,
    )
    .join(', ');

/**
 * The doctor part of the walkthrough: doctor lists the organization's accounts and finds
 * each target healthy; staging's trust is widened to an outside account and doctor catches
 * it; the trust is rebuilt from the shared builder, and doctor finds staging healthy again.
 *
 * @example
 * await walkThroughDoctor(org, step);
 */
export async function walkThroughDoctor(org: DevOrg, step: WalkthroughStepRunner): Promise<void> {
  const config = { endpoint: org.moto.endpoint, region: DEV_ORG.region };
  const operator = org.seeded.operator.credentials;
  const brokerSession = await assumeBrokerRole(org.moto.endpoint, org.seeded);
  const built = targetRoleTrustPolicy({ brokerRoleArn: org.seeded.brokerRoleArn });
  const doctor = () =>
    checkOrganization({
      organizations: new OrganizationsClient({ ...config, credentials: operator }),
      expected: {
        partition: 'aws',
        brokerRoleArn: org.seeded.brokerRoleArn,
        targetRoleName: DEV_ORG.targetRoleName,
        trustPolicy: built,
        managedPolicyArns: managedPolicyArns({ partition: 'aws', preset: 'seed' }),
      },
      iamFor: liveIamClients({ ...config, credentials: async () => operator }),
      assumeAsBroker: createBrokerAssumer({ ...config, credentials: brokerSession }),
    });
  const stagingIam = new IAMClient({
    ...config,
    credentials: fromTemporaryCredentials({
      params: {
        RoleArn: `arn:aws:iam::${DEV_ORG.targets[1].accountId}:role/${DEV_ORG.adminRoleName}`,
        RoleSessionName: 'stscreds-walkthrough',
      },
      masterCredentials: operator,
      clientConfig: config,
    }),
  });
  const setStagingTrust = (policy: object) =>
    stagingIam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: DEV_ORG.targetRoleName,
        PolicyDocument: JSON.stringify(policy),
      }),
    );

  await step("doctor lists the organization's accounts and finds every lambda_sts as built", async () => {
    const report = await doctor();
    if (!report.healthy) throw new Error(`doctor found drift: ${summary(report)}`);
    return summary(report);
  });

  await step("staging's trust is widened to an outside account, and doctor catches it", async () => {
    await setStagingTrust({
      ...built,
      Statement: [
        ...built.Statement,
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' },
      ],
    });
    const report = await doctor();
    const staging = report.accounts.find((a) => a.accountId === DEV_ORG.targets[1].accountId);
    if (staging?.checks.trust.state !== 'drift') throw new Error(`doctor missed it: ${summary(report)}`);
    return `staging trust: ${staging.checks.trust.detail}`;
  });

  await step("staging's trust is rebuilt from the policy builder, and doctor finds it healthy", async () => {
    await setStagingTrust(built);
    const report = await doctor();
    if (!report.healthy) throw new Error(`still drifted: ${summary(report)}`);
    return summary(report);
  });
}
