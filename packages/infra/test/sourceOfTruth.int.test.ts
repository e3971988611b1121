import {
  DEV_ORG,
  type MotoServer,
  type SeededOrganization,
  seedOrganization,
  startMotoServer,
} from '@stscreds/devorg';
import type { ChainModel } from '@stscreds/iam';
import {
  brokerAssumeRolePolicy,
  liveIamClients,
  managedPolicyArns,
  readLiveChain,
  readTemplateRoles,
  STS_ASSUME_ROLE_POLICY_NAME,
  targetRoleTrustPolicy,
} from '@stscreds/iam';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerExecutionRole } from '../src/constructs/BrokerExecutionRole.ts';
import { readInfraConfig } from '../src/readInfraConfig.ts';
import { synthesizeTargetRoleTemplate } from '../src/stacks/synthesizeTargetRoleTemplate.ts';

// The local organization and the CDK app must hold the same policies: both take them from
// src/policies. This reads what the dev org seeded into moto and compares it with the
// builders' output and with what the CDK constructs synthesize for the same shape.
const targetAccountIds = DEV_ORG.targets.map((t) => t.accountId);
const devConfig = readInfraConfig({
  brokerAccountId: DEV_ORG.devopsAccountId,
  targetAccountIds,
  broker: { roleName: DEV_ORG.brokerRoleName, importRole: true, region: DEV_ORG.region },
  target: { roleName: DEV_ORG.targetRoleName, managedPolicyPreset: 'seed' },
});

let moto: MotoServer;
let seeded: SeededOrganization;
let live: ChainModel;
beforeAll(async () => {
  moto = await startMotoServer();
  seeded = await seedOrganization(moto.endpoint);
  live = await readLiveChain({
    brokerRoleArn: seeded.brokerRoleArn,
    targetAccountIds,
    iamFor: liveIamClients({
      region: DEV_ORG.region,
      endpoint: moto.endpoint,
      credentials: async () => seeded.operator.credentials,
    }),
  });
});
afterAll(async () => {
  await moto?.stop();
});

const brokerPolicyIn = (model: ChainModel) =>
  model.broker.policies.find((p) => p.name === STS_ASSUME_ROLE_POLICY_NAME)?.policy;

describe('one source of truth for the policies', () => {
  it('seeds sts_assumerole in the local organization from the builder', () => {
    expect(brokerPolicyIn(live)).toEqual(
      brokerAssumeRolePolicy({ partition: 'aws', targetRoleName: DEV_ORG.targetRoleName, targetAccountIds }),
    );
  });

  it('seeds each lambda_sts trust policy from the builder', () => {
    expect(live.targets.map((t) => t.accountId)).toEqual(targetAccountIds);
    for (const target of live.targets) {
      expect(target.trustPolicy).toEqual(targetRoleTrustPolicy({ brokerRoleArn: seeded.brokerRoleArn }));
    }
  });

  it('synthesizes, for the same shape, exactly what the local organization holds', () => {
    const app = new App({ builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Broker', {
      env: { account: DEV_ORG.devopsAccountId, region: DEV_ORG.region },
    });
    new BrokerExecutionRole(stack, 'ExecutionRole', {
      roleName: DEV_ORG.brokerRoleName,
      importExisting: true,
      targetRoleName: DEV_ORG.targetRoleName,
      targetAccountIds,
    });
    const where = { partition: 'aws', accountId: DEV_ORG.devopsAccountId, region: DEV_ORG.region };
    const [brokerRole] = readTemplateRoles(app.synth().getStackArtifact(stack.artifactId).template, where);
    expect(brokerRole?.arn).toBe(seeded.brokerRoleArn);
    expect(brokerRole?.policies.find((p) => p.name === STS_ASSUME_ROLE_POLICY_NAME)?.policy).toEqual(
      brokerPolicyIn(live),
    );

    const targetTemplate = synthesizeTargetRoleTemplate(devConfig);
    for (const target of live.targets) {
      const [role] = readTemplateRoles(targetTemplate, { ...where, accountId: target.accountId });
      expect(role?.roleName).toBe(DEV_ORG.targetRoleName);
      expect(role?.trustPolicy).toEqual(target.trustPolicy);
      expect(role?.managedPolicyArns).toEqual(managedPolicyArns({ partition: 'aws', preset: 'seed' }));
    }
  });

  it('names the broker policy as the builders do', () => {
    expect(DEV_ORG.brokerPolicyName).toBe(STS_ASSUME_ROLE_POLICY_NAME);
  });
});
