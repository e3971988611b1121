import type { PolicyDocument } from '../policies/policyDocument.ts';
import type { ChainCase, ChainFunction, ChainModel, NamedPolicy } from './ChainModel.ts';

/** A member account that stands for "any account of the organization". */
const STAND_IN_ACCOUNT = '123456789012';
const FORGER_ROLE = 'stscreds-verify-forger';

const ADMIN: NamedPolicy = {
  name: 'AdministratorAccess',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

const list = (value: unknown): readonly unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

interface Grantee {
  readonly arn: string;
  readonly accountId: string;
  /** The organization it is taken to belong to, for `aws:PrincipalOrgID`. */
  readonly organizationId: string | undefined;
  /** Named as a whole account: IAM then asks that account's own policies too. */
  readonly viaAccount: boolean;
}

/** The principals a resource policy admits, each as one concrete principal to ask about. */
const granteesOf = (
  policy: PolicyDocument | undefined,
  partition: string,
  organizationId: string | undefined,
  onlyAction?: string,
): Grantee[] => {
  const grantees = new Map<string, Grantee>();
  for (const statement of policy?.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    if (onlyAction && !list(statement.Action).includes(onlyAction)) continue;
    const org = statement.Condition?.StringEquals?.['aws:PrincipalOrgID'];
    const orgOf = typeof org === 'string' ? org : organizationId;
    const principal = statement.Principal as unknown;
    const named = principal === '*' ? ['*'] : list((principal as { AWS?: unknown } | undefined)?.AWS);
    for (const each of named.map(String)) {
      const root = /^arn:[\w-]+:iam::([0-9]{12}):root$/.exec(each);
      const account = each === '*' ? STAND_IN_ACCOUNT : (root?.[1] ?? /::([0-9]{12}):/.exec(each)?.[1]);
      if (!account) continue;
      const arn = each === '*' || root ? `arn:${partition}:iam::${account}:role/${FORGER_ROLE}` : each;
      grantees.set(arn, {
        arn,
        accountId: account,
        organizationId: orgOf,
        viaAccount: each === '*' || !!root,
      });
    }
  }
  if (grantees.size === 0 && !onlyAction) {
    const arn = `arn:${partition}:iam::${STAND_IN_ACCOUNT}:role/${FORGER_ROLE}`;
    grantees.set(arn, { arn, accountId: STAND_IN_ACCOUNT, organizationId, viaAccount: true });
  }
  return [...grantees.values()];
};

const casesFor = (fn: ChainFunction, model: ChainModel): ChainCase[] => {
  const base = {
    resourceType: 'function' as const,
    account: fn.accountId,
    role: fn.name,
    roleArn: fn.arn,
    trustPolicy: fn.resourcePolicy,
  };
  const org = (g: Grantee): Record<string, string> =>
    g.organizationId ? { 'aws:PrincipalOrgID': g.organizationId } : {};
  const forgeries = granteesOf(fn.resourcePolicy, model.partition, model.organizationId).map(
    (g): ChainCase => ({
      ...base,
      caller: 'direct invoker',
      callerArn: g.arn,
      expected: 'Denied',
      why: `${g.arn} cannot invoke ${fn.name} directly with a forged Function URL event (${fn.source})`,
      actions: ['lambda:InvokeFunction'],
      // From another account, the worst case: its own policies allow everything. From the
      // function's own account, the resource policy alone, which is all the templates show.
      identityPolicies: g.accountId === fn.accountId ? [] : [ADMIN],
      context: org(g),
    }),
  );
  const urlCalls = granteesOf(
    fn.resourcePolicy,
    model.partition,
    model.organizationId,
    'lambda:InvokeFunctionUrl',
  ).map(
    (g): ChainCase => ({
      ...base,
      caller: 'URL caller',
      callerArn: g.arn,
      expected: 'Allowed',
      why: `${g.arn} calls ${fn.name} through its AWS_IAM Function URL (${fn.source})`,
      actions: ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'],
      identityPolicies: g.accountId === fn.accountId && !g.viaAccount ? [] : [ADMIN],
      context: { ...org(g), 'lambda:FunctionUrlAuthType': 'AWS_IAM', 'lambda:InvokedViaFunctionUrl': 'true' },
    }),
  );
  return [...forgeries, ...urlCalls];
};

/**
 * The questions a verification asks about the functions that take Function URL requests
 * (`STSCREDS_ENTRY` of `url`, or the retired `both`). Their handler takes any URL-shaped
 * payload as Lambda's, so IAM alone must keep direct invokers out. For each principal the
 * function's resource policy names: it invokes the function directly, as a forger would
 * (Denied). For each it grants `lambda:InvokeFunctionUrl`: it calls the URL, which needs
 * `lambda:InvokeFunction` through the URL too (Allowed).
 *
 * @example
 * const cases = functionUrlCases(model); // [] when no function takes the Function URL
 */
export function functionUrlCases(model: ChainModel): ChainCase[] {
  return (model.functions ?? [])
    .filter((fn) => fn.entry === 'url' || fn.entry === 'both')
    .flatMap((fn) => casesFor(fn, model));
}
