import type { PolicyDocument } from '../policies/policyDocument.ts';

type Json = Record<string, unknown>;

const list = (value: unknown): string[] =>
  (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]).sort();

/** `"*"` and `{ "AWS": "*" }` mean the same principal. */
const principals = (value: unknown): Record<string, string[]> => {
  if (value === undefined) return {};
  if (typeof value === 'string') return { AWS: [value] };
  return Object.fromEntries(
    Object.entries(value as Json)
      .map(([kind, v]) => [kind, list(v)] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
};

const conditions = (value: unknown): Json =>
  Object.fromEntries(
    Object.entries((value ?? {}) as Json)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([operator, keys]) => [
        operator,
        Object.fromEntries(
          Object.entries(keys as Json)
            .map(([key, v]) => [key.toLowerCase(), list(v)] as const)
            .sort(([a], [b]) => a.localeCompare(b)),
        ),
      ]),
  );

/** A statement as a comparable string; the Sid decides nothing and is left out. */
const canonical = (statement: Json): string =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries({
        Effect: statement.Effect,
        Principal: principals(statement.Principal),
        NotPrincipal: principals(statement.NotPrincipal),
        Action: list(statement.Action).map((a) => a.toLowerCase()),
        NotAction: list(statement.NotAction).map((a) => a.toLowerCase()),
        Resource: list(statement.Resource),
        Condition: conditions(statement.Condition),
      }).filter(([, v]) => typeof v === 'string' || Object.keys(v as object).length > 0),
    ),
  );

const statementsOf = (policy: PolicyDocument | Json): Json[] => {
  const statement = (policy as Json).Statement;
  return (Array.isArray(statement) ? statement : statement === undefined ? [] : [statement]) as Json[];
};

/** Every `kind:principal` an Allow statement trusts. */
const trusted = (policy: PolicyDocument | Json): Set<string> =>
  new Set(
    statementsOf(policy)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) =>
        Object.entries(principals(s.Principal)).flatMap(([kind, ps]) => ps.map((p) => `${kind}:${p}`)),
      ),
  );

/** Every `principal action` pair an Allow statement grants. */
const grants = (policy: PolicyDocument | Json): Set<string> =>
  new Set(
    statementsOf(policy)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) =>
        Object.values(principals(s.Principal))
          .flat()
          .flatMap((p) => list(s.Action).map((a) => `${p} ${a.toLowerCase()}`)),
      ),
  );

/** Unique ids IAM writes in place of a principal that was deleted. */
const DELETED_PRINCIPAL = /^(AROA|AIDA)[A-Z0-9]+$/;

/**
 * Compares a role's trust policy, as IAM holds it, with the one the policy builder makes, up
 * to order, Sids and the single-string or list spelling. Answers what differs, in words: an
 * empty list when they match.
 *
 * @example
 * compareTrustPolicy(found, targetRoleTrustPolicy({ brokerRoleArn }));
 * // ['also trusts AWS arn:aws:iam::999999999999:root']
 */
export function compareTrustPolicy(found: PolicyDocument | Json, expected: PolicyDocument): string[] {
  const differences: string[] = [];
  const wanted = trusted(expected);
  for (const principal of trusted(found)) {
    if (wanted.has(principal)) continue;
    const [kind, ...rest] = principal.split(':');
    const name = rest.join(':');
    differences.push(
      DELETED_PRINCIPAL.test(name)
        ? `trusts ${name}, a principal that was deleted (IAM keeps its unique id)`
        : `also trusts ${kind} ${name}`,
    );
  }
  const granted = grants(found);
  for (const grant of grants(expected)) {
    if (!granted.has(grant)) differences.push(`does not allow ${grant.replace(' ', ' to call ')}`);
  }
  const have = statementsOf(found).map(canonical).sort();
  const want = statementsOf(expected).map(canonical).sort();
  if (differences.length === 0 && JSON.stringify(have) !== JSON.stringify(want)) {
    const extra = have.filter((s) => !want.includes(s));
    const missing = want.filter((s) => !have.includes(s));
    if (extra.length > 0) differences.push(`has a statement the builder does not make: ${extra[0]}`);
    if (missing.length > 0) differences.push(`lacks the builder's statement: ${missing[0]}`);
  }
  return differences;
}
