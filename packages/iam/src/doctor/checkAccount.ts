import {
  GetRolePolicyCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { REVOCATION_POLICY_NAME } from '../policies/constants.ts';
import { decodePolicyDocument } from '../verify/decodePolicyDocument.ts';
import { readRoleTrustPolicy } from '../verify/readRoleTrustPolicy.ts';
import type { AccountHealth, CheckName, CheckResult, DoctorExpectation } from './AccountHealth.ts';
import { compareTrustPolicy } from './compareTrustPolicy.ts';

/** An account as Organizations lists it. */
export interface OrganizationAccount {
  readonly accountId: string;
  readonly name: string;
  readonly status: string;
  /**
   * Why the account may lack the target role, such as being the management account, where
   * service-managed StackSets do not deploy. A role that is there is still checked.
   */
  readonly roleOptional?: string | undefined;
}

export interface CheckAccountDependencies {
  /** An IAM client that reads the given account. */
  readonly iamFor: (accountId: string) => Promise<IAMClient>;
  /**
   * Assumes the role as the broker, the way it would (SourceIdentity and a session tag), and
   * drops the credentials. Without it, the assume check is skipped.
   */
  readonly assumeAsBroker?: ((roleArn: string) => Promise<void>) | undefined;
}

const ok = (detail: string): CheckResult => ({ state: 'ok', detail });
const drift = (detail: string): CheckResult => ({ state: 'drift', detail });
const skipped = (detail: string): CheckResult => ({ state: 'skipped', detail });
/** Only the error's name and first line: AWS errors name ARNs, never keys. */
const failed = (error: unknown): CheckResult => ({
  state: 'error',
  detail:
    error instanceof Error
      ? `${error.name}: ${error.message.split('\n')[0]}`
      : (String(error).split('\n')[0] ?? ''),
});

const all = (detail: string): Record<CheckName, CheckResult> => ({
  role: skipped(detail),
  trust: skipped(detail),
  policies: skipped(detail),
  assume: skipped(detail),
  revocations: skipped(detail),
});

const health = (account: OrganizationAccount, checks: Record<CheckName, CheckResult>): AccountHealth => ({
  ...account,
  checks,
  healthy: Object.values(checks).every((c) => c.state === 'ok' || c.state === 'skipped'),
});

const attachedPolicyArns = async (iam: IAMClient, roleName: string): Promise<string[]> => {
  const arns: string[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker }));
    for (const attached of page.AttachedPolicies ?? []) if (attached.PolicyArn) arns.push(attached.PolicyArn);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return arns;
};

const inlinePolicyNames = async (iam: IAMClient, roleName: string): Promise<string[]> => {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker: marker }));
    names.push(...(page.PolicyNames ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return names;
};

const checkPolicies = (
  attached: readonly string[],
  inline: readonly string[],
  expected: DoctorExpectation,
) => {
  const missing = expected.managedPolicyArns.filter((arn) => !attached.includes(arn));
  const extra = attached.filter((arn) => !expected.managedPolicyArns.includes(arn));
  const foreignInline = inline.filter((name) => name !== REVOCATION_POLICY_NAME);
  const problems = [
    ...missing.map((arn) => `lacks ${arn}`),
    ...extra.map((arn) => `also holds ${arn}`),
    ...foreignInline.map((name) => `holds inline policy ${name}, which the preset does not`),
  ];
  return problems.length > 0 ? drift(problems.join('; ')) : ok(`${attached.length} managed, as the preset`);
};

const checkRevocations = async (iam: IAMClient, roleName: string, inline: readonly string[]) => {
  if (!inline.includes(REVOCATION_POLICY_NAME)) return ok('none on the role');
  const { PolicyDocument: text } = await iam.send(
    new GetRolePolicyCommand({ RoleName: roleName, PolicyName: REVOCATION_POLICY_NAME }),
  );
  const statements = decodePolicyDocument(text, `${roleName}/${REVOCATION_POLICY_NAME}`).Statement;
  return ok(`${statements.length} on the role`);
};

/**
 * Checks the target role of one account against what the shared policy builders make: it
 * exists, its trust names only the broker's role with the expected conditions, its managed
 * policies are the preset's and nothing else, the broker can assume it, and which revocations
 * it carries. A check that cannot run says why; the others go on.
 *
 * @example
 * const health = await checkAccount({ accountId: '222222222222', name: 'prod', status: 'ACTIVE' }, expected, deps);
 * if (!health.healthy) console.log(health.checks.trust.detail);
 */
export async function checkAccount(
  account: OrganizationAccount,
  expected: DoctorExpectation,
  deps: CheckAccountDependencies,
): Promise<AccountHealth> {
  if (account.status !== 'ACTIVE') return health(account, all(`account ${account.status}`));
  const roleName = expected.targetRoleName;
  const roleArn = `arn:${expected.partition}:iam::${account.accountId}:role/${roleName}`;
  const checks = all('role missing');
  let iam: IAMClient;
  let trust: Awaited<ReturnType<typeof readRoleTrustPolicy>>;
  try {
    iam = await deps.iamFor(account.accountId);
    trust = await readRoleTrustPolicy(iam, roleName);
  } catch (error) {
    return health(account, { ...all('IAM unreadable'), role: failed(error) });
  }
  if (!trust) {
    return account.roleOptional
      ? health(account, all(`no ${roleName}: ${account.roleOptional}`))
      : health(account, { ...checks, role: drift(`${roleName} does not exist`) });
  }
  checks.role = ok(roleName);
  const differences = compareTrustPolicy(trust, expected.trustPolicy);
  checks.trust =
    differences.length > 0 ? drift(differences.join('; ')) : ok("the broker's role only, as built");
  try {
    const [attached, inline] = await Promise.all([
      attachedPolicyArns(iam, roleName),
      inlinePolicyNames(iam, roleName),
    ]);
    checks.policies = checkPolicies(attached, inline, expected);
    checks.revocations = await checkRevocations(iam, roleName, inline);
  } catch (error) {
    checks.policies = failed(error);
    checks.revocations = skipped('policies unreadable');
  }
  if (!deps.assumeAsBroker) {
    checks.assume = skipped('no broker credentials (--broker-profile)');
  } else {
    try {
      await deps.assumeAsBroker(roleArn);
      checks.assume = ok('assumed as the broker');
    } catch (error) {
      checks.assume = { ...failed(error), state: 'drift' };
    }
  }
  return health(account, checks);
}
