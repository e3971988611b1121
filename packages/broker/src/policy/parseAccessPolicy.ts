import type { core } from 'zod/mini';
import {
  type AccessPolicyDocument,
  type AccessRevocation,
  type AccessRule,
  accessPolicySchema,
} from './accessPolicySchema.ts';

/** A checked access policy, ready to evaluate. */
export interface AccessPolicy {
  readonly allowUnverifiedCallers: boolean;
  /** The account ids, aliases resolved, whose callers are trusted besides the broker's own. */
  readonly trustedCallerAccounts: ReadonlySet<string>;
  /** Alias → account id; a Map, so that no alias can name a property of Object.prototype. */
  readonly aliases: ReadonlyMap<string, string>;
  readonly rules: readonly AccessRule[];
  /** Callers shut out, and sessions denied; see {@link findRevocation}. */
  readonly revocations: readonly AccessRevocation[];
}

/** The access policy is malformed. `problems` name each defect by its JSON path. */
export class AccessPolicyError extends Error {
  override readonly name = 'AccessPolicyError';
  constructor(readonly problems: readonly string[]) {
    super(`The access policy is invalid: ${problems.join('; ')}`);
  }
}

const jsonPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    '$',
  );

const describe = (error: core.$ZodError): string[] =>
  error.issues.map((issue) => `${jsonPath(issue.path)}: ${issue.message}`);

/** JSON.parse keeps `__proto__` as an own key, which zod then drops in silence; name each one as a defect. */
const prototypeKeys = (json: unknown): string[] => {
  const found: string[] = [];
  const pending: [unknown, PropertyKey[]][] = [[json, []]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      const at = [...path, Array.isArray(value) ? Number(key) : key];
      if (key === '__proto__') found.push(`${jsonPath(at)}: is not allowed as a key`);
      pending.push([child, at]);
    }
  }
  return found;
};

/**
 * Parses and checks an access policy document. Unknown fields, unknown aliases, duplicate
 * rule ids and malformed patterns are all defects.
 *
 * @throws {AccessPolicyError} listing every defect with its JSON path.
 * @example
 * const policy = parseAccessPolicy('{"version":1,"rules":[]}'); // denies everything
 */
export function parseAccessPolicy(text: string): AccessPolicy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AccessPolicyError([
      `$: is not JSON (${error instanceof Error ? error.message : String(error)})`,
    ]);
  }
  const result = accessPolicySchema.safeParse(json);
  const problems = [...prototypeKeys(json), ...(result.success ? [] : describe(result.error))];
  if (!result.success || problems.length > 0) throw new AccessPolicyError(problems);
  const document: AccessPolicyDocument = result.data;
  return {
    allowUnverifiedCallers: document.allowUnverifiedCallers,
    trustedCallerAccounts: new Set(
      document.trustedCallerAccounts.map((account) =>
        Object.hasOwn(document.aliases, account) ? (document.aliases[account] ?? account) : account,
      ),
    ),
    aliases: new Map(Object.entries(document.aliases)),
    rules: document.rules,
    revocations: document.revocations,
  };
}
