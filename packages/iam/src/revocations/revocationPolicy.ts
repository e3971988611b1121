import type { PolicyConditions, PolicyDocument, PolicyStatement } from '../policies/policyDocument.ts';
import {
  MAX_SESSION_MS,
  REVOCATION_POLICY_LIMITS,
  type RevocationInput,
  type RevocationTarget,
} from './RevocationInput.ts';
import { RevocationPolicyTooLargeError } from './RevocationPolicyTooLargeError.ts';

const latest = (times: readonly string[]): string =>
  times.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));

const sorted = (values: readonly string[]): string[] => [...new Set(values)].sort();

interface Group {
  readonly roleWide: boolean;
  readonly accountIds: readonly string[] | undefined;
  readonly sourceIdentities: string[];
  readonly times: string[];
}

/**
 * Statements are grouped where merging denies nothing more:
 * - revocations still in force, by accounts: the broker has refused their callers since
 *   each was written (its `revokedAt` lies past the policy's cache age), so no session of
 *   theirs was issued before the latest `revokedAt` but after their own;
 * - lifted ones, by accounts and `revokedAt`: their callers get sessions again;
 * - role-wide ones, by accounts: the latest time covers every earlier one.
 */
const groupKey = (r: RevocationInput): string =>
  JSON.stringify([
    r.sourceIdentities === undefined ? 'role' : r.lifted ? `lifted ${r.revokedAt}` : 'active',
    r.accountIds ? sorted(r.accountIds) : '*',
  ]);

const conditionOf = (group: Group, target: RevocationTarget): PolicyConditions => {
  const conditions: Record<string, Record<string, string | readonly string[]>> = {};
  const equals: Record<string, readonly string[]> = {};
  if (group.roleWide) {
    if (target.kind === 'scp') {
      conditions.ArnLike = {
        'aws:PrincipalArn': `arn:${target.partition}:iam::*:role/${target.targetRoleName}`,
      };
    }
  } else {
    equals['aws:SourceIdentity'] = sorted(group.sourceIdentities);
  }
  if (target.kind === 'scp' && group.accountIds) equals['aws:PrincipalAccount'] = sorted(group.accountIds);
  if (Object.keys(equals).length > 0) conditions.StringEquals = equals;
  conditions.DateLessThan = { 'aws:TokenIssueTime': latest(group.times) };
  return conditions;
};

/**
 * The deny that kills sessions the broker already issued, as a service control policy or as
 * the inline policy `stscreds-revocations` on the target role: every action is denied to a
 * session whose `aws:SourceIdentity` is a revoked caller's and whose `aws:TokenIssueTime` is
 * before the revocation; a role-wide revocation denies every session of the role issued
 * before its time. Revocations whose sessions have all expired (an hour after `revokedAt`)
 * are left out; the rest are compacted without denying more. Answers undefined when nothing
 * is left to deny.
 *
 * @throws {RevocationPolicyTooLargeError} past the SCP's 5,120 or the role's 10,240 characters.
 * @example
 * revocationPolicy([{ id: 'leak', sourceIdentities: ['aws,iam,,111111111111,user+alice'], revokedAt: '2026-12-01T15:35:00Z', lifted: false }],
 *   { kind: 'scp', targetRoleName: 'lambda_sts', partition: 'aws' }, Date.parse('2026-12-01T15:30:00Z'));
 */
export function revocationPolicy(
  revocations: readonly RevocationInput[],
  target: RevocationTarget,
  now: number,
): PolicyDocument | undefined {
  const live = revocations.filter(
    (r) =>
      Date.parse(r.revokedAt) + MAX_SESSION_MS > now &&
      (target.kind === 'scp' || !r.accountIds || r.accountIds.includes(target.accountId)),
  );
  const groups = new Map<string, Group>();
  for (const r of live) {
    const key = groupKey(r);
    const group = groups.get(key) ?? {
      roleWide: r.sourceIdentities === undefined,
      accountIds: target.kind === 'scp' ? r.accountIds : undefined,
      sourceIdentities: [],
      times: [],
    };
    group.sourceIdentities.push(...(r.sourceIdentities ?? []));
    group.times.push(r.revokedAt);
    groups.set(key, group);
  }
  if (groups.size === 0) return undefined;
  const statements = [...groups.values()].map(
    (group, index): PolicyStatement => ({
      Sid: `StscredsRevocation${index + 1}`,
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: conditionOf(group, target),
    }),
  );
  const document: PolicyDocument = { Version: '2012-10-17', Statement: statements };
  const characters = JSON.stringify(document).length;
  const limit =
    target.kind === 'scp'
      ? REVOCATION_POLICY_LIMITS.scp
      : REVOCATION_POLICY_LIMITS.inline - (target.otherInlineCharacters ?? 0);
  if (characters > limit) {
    throw new RevocationPolicyTooLargeError(
      characters,
      limit,
      target.kind === 'scp'
        ? 'the service control policy'
        : `the inline policies of the role in ${target.accountId}`,
    );
  }
  return document;
}
