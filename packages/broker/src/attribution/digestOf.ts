import { createHash } from 'node:crypto';

/** 22 base64url characters: 132 bits of SHA-256, far beyond any search for a second preimage. */
export const DIGEST_CHARS = 22;

/**
 * A short, fixed-length digest of a list of strings. The list is hashed as JSON, so distinct
 * lists never share an input; the first element names what is hashed, so that digests made
 * for different purposes never meet. The alphabet (`[A-Za-z0-9_-]`) fits in session names,
 * SourceIdentity and tag values alike.
 *
 * @example
 * digestOf(['source-identity', 'arn:aws:iam::111111111111:user/alice']); // 22 characters
 */
export function digestOf(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, DIGEST_CHARS);
}
