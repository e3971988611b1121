import type { PolicyDocument } from '../policies/policyDocument.ts';
import type { NamedPolicy } from './ChainModel.ts';
import { resolveTemplateValue, type TemplateContext } from './resolveTemplateValue.ts';

/** An IAM role of a template, with everything attached to it, resolved. */
export interface TemplateRole {
  readonly roleName: string;
  readonly arn: string;
  /** Undefined for a role the template only references by name (an imported role). */
  readonly trustPolicy: PolicyDocument | undefined;
  readonly policies: readonly NamedPolicy[];
  readonly managedPolicyArns: readonly string[];
}

interface MutableRole {
  roleName: string;
  arn: string;
  trustPolicy: PolicyDocument | undefined;
  policies: NamedPolicy[];
  managedPolicyArns: string[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asDocument = (value: unknown): PolicyDocument | undefined =>
  isRecord(value) && Array.isArray(value.Statement) ? (value as unknown as PolicyDocument) : undefined;

/**
 * Reads every IAM role of a template, resolved for one account: its trust policy, inline
 * policies, the `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources attached to it,
 * and its managed policy ARNs. A policy attached to a role by a literal name (an imported
 * role) makes an entry for that role too.
 *
 * @example
 * const roles = readTemplateRoles(template, { partition: 'aws', accountId: '222222222222', region: 'us-west-2' });
 */
export function readTemplateRoles(
  template: Readonly<Record<string, unknown>>,
  where: Omit<TemplateContext, 'resources' | 'parameters'>,
): TemplateRole[] {
  const resources = (isRecord(template.Resources) ? template.Resources : {}) as TemplateContext['resources'];
  const parameters = (
    isRecord(template.Parameters) ? template.Parameters : {}
  ) as TemplateContext['parameters'];
  const ctx: TemplateContext = { ...where, resources, parameters };
  const byLogicalId = new Map<string, MutableRole>();
  const byName = new Map<string, MutableRole>();

  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const props = resource.Properties ?? {};
    const roleName = String(resolveTemplateValue({ Ref: logicalId }, ctx));
    const role: MutableRole = {
      roleName,
      arn: String(resolveTemplateValue({ 'Fn::GetAtt': [logicalId, 'Arn'] }, ctx)),
      trustPolicy: asDocument(resolveTemplateValue(props.AssumeRolePolicyDocument, ctx)),
      policies: [],
      managedPolicyArns: [],
    };
    for (const inline of Array.isArray(props.Policies) ? props.Policies : []) {
      const resolved = resolveTemplateValue(inline, ctx);
      const policy = isRecord(resolved) ? asDocument(resolved.PolicyDocument) : undefined;
      if (isRecord(resolved) && policy) role.policies.push({ name: String(resolved.PolicyName), policy });
    }
    const managed = resolveTemplateValue(props.ManagedPolicyArns, ctx);
    if (Array.isArray(managed)) role.managedPolicyArns.push(...managed.map(String));
    byLogicalId.set(logicalId, role);
    byName.set(roleName, role);
  }

  const attachedRole = (entry: unknown): MutableRole | undefined => {
    if (isRecord(entry) && typeof entry.Ref === 'string' && byLogicalId.has(entry.Ref)) {
      return byLogicalId.get(entry.Ref);
    }
    const name = resolveTemplateValue(entry, ctx);
    if (typeof name !== 'string' || name.startsWith('<')) return undefined;
    let role = byName.get(name);
    if (!role) {
      role = {
        roleName: name,
        arn: `arn:${ctx.partition}:iam::${ctx.accountId}:role/${name}`,
        trustPolicy: undefined,
        policies: [],
        managedPolicyArns: [],
      };
      byName.set(name, role);
    }
    return role;
  };

  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const props = resource.Properties ?? {};
    const policy = asDocument(resolveTemplateValue(props.PolicyDocument, ctx));
    const name = resolveTemplateValue(props.PolicyName ?? props.ManagedPolicyName, ctx);
    if (!policy) continue;
    const roles = Array.isArray(props.Roles) ? props.Roles : [];
    for (const entry of roles) {
      attachedRole(entry)?.policies.push({ name: typeof name === 'string' ? name : logicalId, policy });
    }
  }
  return [...byName.values()];
}
