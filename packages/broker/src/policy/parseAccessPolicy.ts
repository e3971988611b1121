import type { z } from 'zod';
import { type AccessPolicyDocument, type AccessRule, accessPolicySchema } from './accessPolicySchema.ts';

/** A checked access policy, ready to evaluate. */
export interface AccessPolicy {
  readonly allowUnverifiedCallers: boolean;
  /** Alias → account id; a Map, so that no alias can name a property of Object.prototype. */
  readonly aliases: ReadonlyMap<string, string>;
  readonly rules: readonly AccessRule[];
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

const describe = (error: z.ZodError): string[] =>
  error.issues.map((issue) => `${jsonPath(issue.path)}: ${issue.message}`);

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
  if (!result.success) throw new AccessPolicyError(describe(result.error));
  const document: AccessPolicyDocument = result.data;
  return {
    allowUnverifiedCallers: document.allowUnverifiedCallers,
    aliases: new Map(Object.entries(document.aliases)),
    rules: document.rules,
  };
}
