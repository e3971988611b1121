import { TARGET_ROLE_ACTIONS } from '../policies/constants.ts';
import type { PolicyDocument } from '../policies/policyDocument.ts';
import type { ChainCase, ChainModel, NamedPolicy } from './ChainModel.ts';
import { functionUrlCases } from './functionUrlCases.ts';

/** An account outside the organization and the allowlist, for the cases that must be denied. */
export const OUTSIDE_ACCOUNT = '999999999999';
const OUTSIDE_ORGANIZATION = 'o-outsideorg00';
/** A role every account of an organization has, and which must stay out of the broker's reach. */
const OTHER_ROLE = 'OrganizationAccountAccessRole';

const ADMIN: NamedPolicy = {
  name: 'AdministratorAccess',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

const trusting = (principal: string): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: [...TARGET_ROLE_ACTIONS] }],
});

const nameOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

/**
 * The questions a verification asks about a credential chain. For each target account:
 * the broker reaches the target role (Allowed); the broker reaches another role, even one
 * that trusts the broker's account (Denied); another principal of the broker's account,
 * even an administrator, reaches the target role (Denied); a principal from outside the
 * organization, even one named like the broker, reaches it (Denied). Once: the broker
 * reaches the target role in an account outside the organization or the allowlist, even
 * one that trusts the broker (Denied).
 *
 * Each denial is asked in the worst case for it, so that it rests on the policy under test
 * alone. Then the cases of {@link functionUrlCases}: nobody invokes the Function URL
 * function directly.
 *
 * @example
 * for (const c of chainCases(model)) console.log(c.caller, '→', c.roleArn, c.expected);
 */
export function chainCases(model: ChainModel): ChainCase[] {
  const { partition, broker, targetRoleName, organizationId } = model;
  const roleArn = (account: string, role: string) => `arn:${partition}:iam::${account}:role/${role}`;
  const orgContext = (principalOrg: string | undefined, resourceOrg: string | undefined) => ({
    ...(principalOrg && { 'aws:PrincipalOrgID': principalOrg }),
    ...(resourceOrg && { 'aws:ResourceOrgID': resourceOrg }),
    // The broker always names the caller; giving every case a SourceIdentity keeps the
    // denials from resting on its absence.
    'sts:SourceIdentity': 'stscreds-verify',
  });
  const otherPrincipal = roleArn(broker.accountId, 'stscreds-verify-other-principal');
  const outsider = roleArn(OUTSIDE_ACCOUNT, nameOf(broker.roleArn));
  const cases: ChainCase[] = [];
  for (const target of model.targets) {
    const base = {
      account: target.accountId,
      actions: [...TARGET_ROLE_ACTIONS],
      trustPolicy: target.trustPolicy,
    };
    cases.push({
      ...base,
      role: target.roleName,
      roleArn: roleArn(target.accountId, target.roleName),
      caller: 'broker',
      callerArn: broker.roleArn,
      expected: 'Allowed',
      why: `the broker reaches ${target.roleName} (${target.source})`,
      identityPolicies: broker.policies,
      context: orgContext(organizationId, organizationId),
    });
    cases.push({
      ...base,
      role: OTHER_ROLE,
      roleArn: roleArn(target.accountId, OTHER_ROLE),
      caller: 'broker',
      callerArn: broker.roleArn,
      expected: 'Denied',
      why: `the broker reaches no other role, even one trusting its account`,
      identityPolicies: broker.policies,
      trustPolicy: trusting(`arn:${partition}:iam::${broker.accountId}:root`),
      context: orgContext(organizationId, organizationId),
    });
    cases.push({
      ...base,
      role: target.roleName,
      roleArn: roleArn(target.accountId, target.roleName),
      caller: 'other principal',
      callerArn: otherPrincipal,
      expected: 'Denied',
      why: `no other principal of the broker's account, even an administrator, reaches ${target.roleName}`,
      identityPolicies: [ADMIN],
      context: orgContext(organizationId, organizationId),
    });
    cases.push({
      ...base,
      role: target.roleName,
      roleArn: roleArn(target.accountId, target.roleName),
      caller: 'outsider',
      callerArn: outsider,
      expected: 'Denied',
      why: `a principal outside the organization, named like the broker, does not reach ${target.roleName}`,
      identityPolicies: [ADMIN],
      context: orgContext(organizationId ? OUTSIDE_ORGANIZATION : undefined, organizationId),
    });
  }
  if (!model.targets.some((t) => t.accountId === OUTSIDE_ACCOUNT)) {
    cases.push({
      account: OUTSIDE_ACCOUNT,
      role: targetRoleName,
      roleArn: roleArn(OUTSIDE_ACCOUNT, targetRoleName),
      caller: 'broker',
      callerArn: broker.roleArn,
      expected: 'Denied',
      why: `the broker reaches no account outside the ${organizationId ? 'organization' : 'allowlist'}, even one whose ${targetRoleName} trusts it`,
      actions: [...TARGET_ROLE_ACTIONS],
      identityPolicies: broker.policies,
      trustPolicy: trusting(broker.roleArn),
      context: orgContext(organizationId, organizationId ? OUTSIDE_ORGANIZATION : undefined),
    });
  }
  cases.push(...functionUrlCases(model));
  return cases;
}
