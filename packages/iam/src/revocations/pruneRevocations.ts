import type { AccessRevocation } from '@stscreds/broker';
import type { AccessPolicyJson } from './addRevocation.ts';
import { MAX_SESSION_MS } from './RevocationInput.ts';

/**
 * Drops lifted revocations that have nothing left to deny: an hour after their `revokedAt`,
 * every session issued before it has expired. Revocations in force stay, however old.
 *
 * @example
 * pruneRevocations(document, Date.now());
 */
export function pruneRevocations(document: AccessPolicyJson, now: number): AccessPolicyJson {
  if (!Array.isArray(document.revocations)) return document;
  const kept = (document.revocations as AccessRevocation[]).filter(
    (r) => !r.liftedAt || Date.parse(r.revokedAt) + MAX_SESSION_MS > now,
  );
  return { ...document, revocations: kept };
}
