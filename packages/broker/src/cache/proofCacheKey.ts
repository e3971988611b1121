import { createHash } from 'node:crypto';
import { AUDIENCE_HEADER, type IdentityProof, REQUEST_DIGEST_HEADER } from '@stscreds/contract';

const SIGNED_PARTS = [
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  AUDIENCE_HEADER,
  REQUEST_DIGEST_HEADER,
  'content-type',
  'x-amz-content-sha256',
];

/**
 * A key for a verified proof: a hash of the signed request itself, so that only a
 * retransmission of the very same signed request can reuse a verification.
 *
 * @example
 * proofCacheKey(identity); // '9f86d081…'
 */
export function proofCacheKey(proof: IdentityProof): string {
  const headers = new Map(Object.entries(proof.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const parts = [proof.url, proof.body, ...SIGNED_PARTS.map((name) => `${name}:${headers.get(name) ?? ''}`)];
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}
