import {
  DescribePolicyCommand,
  ListPoliciesCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { sourceIdentityOf } from '@stscreds/broker';
import type { BrokerResponse } from '@stscreds/contract';
import { REVOCATION_POLICY_NAME } from '@stscreds/iam/policies';
import {
  type AccessPolicyStore,
  addRevocation,
  changeRevocations,
  liftRevocation,
} from '@stscreds/iam/revocations';
import { DEV_ORG } from './defaults.ts';
import type { DevOrg } from './startDevOrg.ts';
import type { WalkthroughStepRunner } from './walkThroughDoctor.ts';

export interface RevocationWalkthroughCallers {
  /** Asks the broker for credentials as a caller of the local organization. */
  readonly ask: (caller: 'alice' | 'bob', accountId: string) => Promise<BrokerResponse>;
}

const instant = (ms: number): string =>
  new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');

/** Asks again, every half second, until the answer is the one awaited or the bound is reached. */
const until = async (
  ask: () => Promise<BrokerResponse>,
  done: (a: BrokerResponse) => boolean,
  boundMs: number,
) => {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const answer = await ask();
    if (done(answer) || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
};

/**
 * The revocation part of the walkthrough: alice is revoked in the access policy (in SSM, where
 * the broker reads it) and by a service control policy; within the policy's cache age the
 * broker refuses her, naming the revocation; bob is unaffected; moto stores the SCP with
 * alice's SourceIdentity (it does not enforce it); the revocation is lifted, and alice is let
 * in again.
 *
 * @example
 * await walkThroughRevocation(org, { ask }, step);
 */
export async function walkThroughRevocation(
  org: DevOrg,
  callers: RevocationWalkthroughCallers,
  step: WalkthroughStepRunner,
): Promise<void> {
  const config = { endpoint: org.moto.endpoint, region: DEV_ORG.region };
  const operator: AwsCredentialIdentityProvider = async () => org.seeded.operator.credentials;
  const ssm = new SSMClient({ ...config, credentials: operator });
  const organizations = new OrganizationsClient({ ...config, credentials: operator });
  const store: AccessPolicyStore = {
    describe: `SSM parameter ${DEV_ORG.accessPolicyParameter}`,
    read: async () =>
      (await ssm.send(new GetParameterCommand({ Name: DEV_ORG.accessPolicyParameter }))).Parameter?.Value ??
      '',
    write: async (text) => {
      await ssm.send(
        new PutParameterCommand({
          Name: DEV_ORG.accessPolicyParameter,
          Value: text,
          Type: 'String',
          Overwrite: true,
        }),
      );
    },
  };
  const alice = `arn:aws:iam::${DEV_ORG.devopsAccountId}:user/alice`;
  const id = 'walkthrough-alice';
  const [prod, staging] = DEV_ORG.targets;
  const boundMs = (DEV_ORG.accessPolicyMaxAgeSeconds + 10) * 1000;
  const refused = (a: BrokerResponse) => 'error' in a && a.error.code === 'AccessDenied';

  await step(
    'alice is revoked: the access policy in SSM gains the revocation, and a service control policy denies her sessions',
    async () => {
      const now = Date.now();
      const change = await changeRevocations({
        store,
        change: (document) =>
          addRevocation(document, {
            id,
            callers: [alice],
            revokedAt: instant(now + DEV_ORG.accessPolicyMaxAgeSeconds * 1000),
            reason: 'walkthrough: a key leaked',
          }),
        now,
        partition: 'aws',
        targetRoleName: DEV_ORG.targetRoleName,
        organizations,
      });
      return change.deliveries.map((d) => `${d.action}: ${d.target}`).join('; ');
    },
  );

  await step(
    `within the policy's cache age (${DEV_ORG.accessPolicyMaxAgeSeconds} s here), the broker refuses alice, naming the revocation`,
    async () => {
      const answer = await until(() => callers.ask('alice', prod.accountId), refused, boundMs);
      if (!('error' in answer) || !answer.error.message.includes(`(${id})`)) {
        throw new Error(
          `alice was not refused: ${'error' in answer ? answer.error.message : 'she got credentials'}`,
        );
      }
      return `${answer.error.code}: ${answer.error.message}`;
    },
  );

  await step('bob is unaffected: he still gets staging', async () => {
    const answer = await callers.ask('bob', staging.accountId);
    if ('error' in answer) throw new Error(`${answer.error.code}: ${answer.error.message}`);
    return `credentials as ${answer.AssumedRoleArn}`;
  });

  await step(
    "moto stores the SCP and reads it back with alice's SourceIdentity (it does not enforce SCPs)",
    async () => {
      const { Policies: policies = [] } = await organizations.send(
        new ListPoliciesCommand({ Filter: 'SERVICE_CONTROL_POLICY' }),
      );
      const scp = policies.find((p) => p.Name === REVOCATION_POLICY_NAME);
      const content = scp?.Id
        ? (await organizations.send(new DescribePolicyCommand({ PolicyId: scp.Id }))).Policy?.Content
        : undefined;
      if (!content?.includes(sourceIdentityOf(alice)))
        throw new Error(`the SCP does not name alice: ${content}`);
      return `Deny * where aws:SourceIdentity is ${sourceIdentityOf(alice)} and aws:TokenIssueTime is before the revocation`;
    },
  );

  await step('the revocation is lifted, and alice gets prod again', async () => {
    await changeRevocations({
      store,
      change: (document) => liftRevocation(document, id, Date.now()),
      now: Date.now(),
      partition: 'aws',
      targetRoleName: DEV_ORG.targetRoleName,
      organizations,
    });
    const answer = await until(
      () => callers.ask('alice', prod.accountId),
      (a) => !('error' in a),
      boundMs,
    );
    if ('error' in answer) throw new Error(`${answer.error.code}: ${answer.error.message}`);
    return `credentials as ${answer.AssumedRoleArn}`;
  });
}
