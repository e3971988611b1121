import { ROLE_NAME_PATTERN } from '../policies/constants.ts';
import type { PolicyStatement } from '../policies/policyDocument.ts';
import type { NamedPolicy } from './ChainModel.ts';

/** The role name and the accounts that the broker's policies let it assume. */
export interface AssumableTarget {
  readonly roleName: string;
  /** Accounts named explicitly in the resource ARNs; empty when the account is a wildcard. */
  readonly accountIds: readonly string[];
  readonly organizationId: string | undefined;
}

const list = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

const ASSUME_ROLE_ARN = /^arn:[\w-]+:iam::([0-9]{12}|\*):role\/(.+)$/;

/**
 * Reads, from the broker's policies, which role it assumes in which accounts, so that a
 * verification asks about the same names the deployment uses.
 *
 * @example
 * targetRoleOf([{ name: 'sts_assumerole', policy }]); // { roleName: 'lambda_sts', accountIds: [], organizationId: 'o-…' }
 */
export function targetRoleOf(policies: readonly NamedPolicy[]): AssumableTarget | undefined {
  const statements: PolicyStatement[] = policies.flatMap((p) => [...p.policy.Statement]);
  const names = new Set<string>();
  const accounts = new Set<string>();
  let organizationId: string | undefined;
  for (const statement of statements) {
    if (statement.Effect !== 'Allow' || !list(statement.Action).includes('sts:AssumeRole')) continue;
    for (const resource of list(statement.Resource)) {
      const match = ASSUME_ROLE_ARN.exec(resource);
      if (!match?.[2] || !ROLE_NAME_PATTERN.test(match[2])) continue;
      names.add(match[2]);
      if (match[1] !== '*' && match[1]) accounts.add(match[1]);
    }
    const org = statement.Condition?.StringEquals?.['aws:ResourceOrgID'];
    if (typeof org === 'string') organizationId = org;
  }
  const [roleName] = names;
  return roleName ? { roleName, accountIds: [...accounts], organizationId } : undefined;
}
