import type { AccessRevocation } from '@stscreds/broker';
import type { AccessPolicyJson } from './addRevocation.ts';

const instant = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Lifts a revocation: the broker issues to its callers again. It stays in the document as
 * lifted, so that the sessions issued before it stay denied until they have expired, and its
 * `revokedAt` moves back to the lift if it lay ahead, so that what the broker issues from now
 * on is not denied.
 *
 * @throws {Error} when no revocation has that id, or it is lifted already.
 * @example
 * liftRevocation(document, 'alice-laptop', Date.now());
 */
export function liftRevocation(document: AccessPolicyJson, id: string, now: number): AccessPolicyJson {
  const revocations = Array.isArray(document.revocations) ? (document.revocations as AccessRevocation[]) : [];
  const found = revocations.find((r) => r.id === id);
  if (!found) throw new Error(`The access policy has no revocation "${id}"`);
  if (found.liftedAt) throw new Error(`Revocation "${id}" was lifted at ${found.liftedAt}`);
  const liftedAt = instant(now);
  const revokedAt = Date.parse(found.revokedAt) > now ? liftedAt : found.revokedAt;
  return {
    ...document,
    revocations: revocations.map((r) => (r.id === id ? { ...r, revokedAt, liftedAt } : r)),
  };
}
