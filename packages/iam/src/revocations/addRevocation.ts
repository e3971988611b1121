import type { AccessRevocation } from '@stscreds/broker';

/** An access policy document as JSON, kept whole so that fields this code does not know survive. */
export type AccessPolicyJson = Readonly<Record<string, unknown>>;

const revocationsOf = (document: AccessPolicyJson): AccessRevocation[] =>
  Array.isArray(document.revocations) ? (document.revocations as AccessRevocation[]) : [];

/**
 * Adds a revocation to an access policy document, answering the new document. Its id must
 * be new among the document's rules and revocations.
 *
 * @throws {Error} for an id already in use.
 * @example
 * addRevocation(document, { id: 'alice-laptop', callers: ['arn:aws:iam::111111111111:user/alice'],
 *   revokedAt: '2026-12-01T15:35:00Z', reason: 'laptop stolen' });
 */
export function addRevocation(document: AccessPolicyJson, revocation: AccessRevocation): AccessPolicyJson {
  const rules = Array.isArray(document.rules) ? (document.rules as { id?: unknown }[]) : [];
  const taken = [...rules.map((r) => r.id), ...revocationsOf(document).map((r) => r.id)];
  if (taken.includes(revocation.id)) {
    throw new Error(`The access policy already has a rule or revocation "${revocation.id}"`);
  }
  return { ...document, revocations: [...revocationsOf(document), revocation] };
}
