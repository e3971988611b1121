import {
  DeleteRolePolicyCommand,
  GetRolePolicyCommand,
  type IAMClient,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  DeletePolicyCommand,
  DetachPolicyCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  type OrganizationsClient,
  UpdatePolicyCommand,
} from '@aws-sdk/client-organizations';
import { REVOCATION_POLICY_NAME } from '../policies/constants.ts';
import type { PolicyDocument } from '../policies/policyDocument.ts';
import type { RevocationInput } from './RevocationInput.ts';
import { revocationPolicy } from './revocationPolicy.ts';

export interface DeliverRevocationsOptions {
  readonly inputs: readonly RevocationInput[];
  readonly now: number;
  readonly partition: string;
  readonly targetRoleName: string;
  /** Write the service control policy, with the management account's Organizations client. */
  readonly organizations?: OrganizationsClient | undefined;
  /** Write the inline policy on the target role in these accounts. */
  readonly inlineAccounts?: readonly string[] | undefined;
  /** An IAM client for each inline account. */
  readonly iamFor?: ((accountId: string) => Promise<IAMClient>) | undefined;
  /** Build and answer the documents, and write nothing. */
  readonly dryRun?: boolean | undefined;
}

/** What became of one document. */
export interface RevocationDelivery {
  /** `service control policy`, or `lambda_sts in 222222222222`. */
  readonly target: string;
  readonly action: 'written' | 'removed' | 'nothing to write' | 'would write' | 'would remove';
  readonly document?: PolicyDocument | undefined;
}

const minified = (document: PolicyDocument): string => JSON.stringify(document);

const findScp = async (organizations: OrganizationsClient): Promise<string | undefined> => {
  let token: string | undefined;
  do {
    const page = await organizations.send(
      new ListPoliciesCommand({ Filter: 'SERVICE_CONTROL_POLICY', NextToken: token }),
    );
    const found = page.Policies?.find((p) => p.Name === REVOCATION_POLICY_NAME);
    if (found?.Id) return found.Id;
    token = page.NextToken;
  } while (token);
  return undefined;
};

const writeScp = async (
  organizations: OrganizationsClient,
  document: PolicyDocument | undefined,
): Promise<RevocationDelivery['action']> => {
  const existing = await findScp(organizations);
  if (!document) {
    if (!existing) return 'nothing to write';
    const targets = await organizations.send(new ListTargetsForPolicyCommand({ PolicyId: existing }));
    for (const target of targets.Targets ?? []) {
      if (target.TargetId) {
        await organizations.send(new DetachPolicyCommand({ PolicyId: existing, TargetId: target.TargetId }));
      }
    }
    await organizations.send(new DeletePolicyCommand({ PolicyId: existing }));
    return 'removed';
  }
  const { Roots: roots } = await organizations.send(new ListRootsCommand({}));
  const root = roots?.[0];
  const scpEnabled = root?.PolicyTypes?.some(
    (t) => t.Type === 'SERVICE_CONTROL_POLICY' && t.Status === 'ENABLED',
  );
  if (!root?.Id || !scpEnabled) {
    throw new Error(
      'Service control policies are not enabled in this organization: enable them (EnablePolicyType), or deliver the revocation as inline policies',
    );
  }
  let policyId = existing;
  if (policyId) {
    await organizations.send(new UpdatePolicyCommand({ PolicyId: policyId, Content: minified(document) }));
  } else {
    const created = await organizations.send(
      new CreatePolicyCommand({
        Name: REVOCATION_POLICY_NAME,
        Type: 'SERVICE_CONTROL_POLICY',
        Description: 'stscreds: denies sessions the broker issued to revoked callers',
        Content: minified(document),
      }),
    );
    policyId = created.Policy?.PolicySummary?.Id;
    if (!policyId) throw new Error('Organizations created the policy but gave no id');
  }
  const targets = await organizations.send(new ListTargetsForPolicyCommand({ PolicyId: policyId }));
  if (!targets.Targets?.some((t) => t.TargetId === root.Id)) {
    await organizations.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: root.Id }));
  }
  return 'written';
};

/** What the role's other inline policies take of the 10,240 characters they share. */
const otherInlineCharacters = async (iam: IAMClient, roleName: string): Promise<number> => {
  const { PolicyNames: names = [] } = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
  let total = 0;
  for (const name of names.filter((n) => n !== REVOCATION_POLICY_NAME)) {
    const { PolicyDocument: text } = await iam.send(
      new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }),
    );
    total += JSON.stringify(JSON.parse(decodeURIComponent(text ?? '{}'))).length;
  }
  return total;
};

const writeInline = async (
  iam: IAMClient,
  roleName: string,
  document: PolicyDocument | undefined,
): Promise<RevocationDelivery['action']> => {
  if (document) {
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: REVOCATION_POLICY_NAME,
        PolicyDocument: minified(document),
      }),
    );
    return 'written';
  }
  try {
    await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: REVOCATION_POLICY_NAME }));
    return 'removed';
  } catch (error) {
    if (error instanceof NoSuchEntityException) return 'nothing to write';
    throw error;
  }
};

/**
 * Writes the AWS side of the revocations: the service control policy `stscreds-revocations`
 * attached to the organization's root, and the inline policy of that name on the target role
 * in chosen accounts. Every document is built, and checked against its size limit, before
 * anything is written; a document with nothing left to deny is removed.
 *
 * @throws {RevocationPolicyTooLargeError} before any write, when a document would not fit.
 * @example
 * await deliverRevocations({ inputs, now: Date.now(), partition: 'aws', targetRoleName: 'lambda_sts', organizations });
 */
export async function deliverRevocations(options: DeliverRevocationsOptions): Promise<RevocationDelivery[]> {
  const { inputs, now } = options;
  const plans: {
    target: string;
    document: PolicyDocument | undefined;
    write: () => Promise<RevocationDelivery['action']>;
  }[] = [];
  if (options.organizations) {
    const organizations = options.organizations;
    const document = revocationPolicy(
      inputs,
      { kind: 'scp', targetRoleName: options.targetRoleName, partition: options.partition },
      now,
    );
    plans.push({
      target: 'service control policy',
      document,
      write: () => writeScp(organizations, document),
    });
  }
  for (const accountId of options.inlineAccounts ?? []) {
    if (!options.iamFor) throw new Error('Inline delivery needs an IAM client for each account');
    const iam = await options.iamFor(accountId);
    // Read even on a dry run: the limit is shared with the role's other inline policies.
    const others = await otherInlineCharacters(iam, options.targetRoleName);
    const document = revocationPolicy(
      inputs,
      { kind: 'inline', accountId, otherInlineCharacters: others },
      now,
    );
    plans.push({
      target: `${options.targetRoleName} in ${accountId}`,
      document,
      write: () => writeInline(iam, options.targetRoleName, document),
    });
  }
  const deliveries: RevocationDelivery[] = [];
  for (const plan of plans) {
    const action = options.dryRun ? (plan.document ? 'would write' : 'would remove') : await plan.write();
    deliveries.push({ target: plan.target, action, document: plan.document });
  }
  return deliveries;
}
